// Package internal holds helpers shared by spate's packages and tests that
// are not public API (test clusters, file utilities).
package internal
