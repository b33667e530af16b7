package engine

import "github.com/spate-io/spate/engine/internal/expr"

// ErrAnalysis is matched (errors.Is) by every analysis error: the query
// is wrong (unknown column, type mismatch, unknown UDF), not the data.
var ErrAnalysis = expr.ErrAnalysis

// ErrMalformed is matched (errors.Is) by the error of a FromJSON in
// FAILFAST mode meeting a malformed record.
var ErrMalformed = expr.ErrMalformed
