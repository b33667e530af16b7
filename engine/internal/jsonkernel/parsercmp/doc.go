// Package parsercmp compares JSON parsers for the engine's from_json: the
// hand-written jsonkernel scanner against encoding/json (Unmarshal and
// Decoder tokens), valyala/fastjson, bytedance/sonic, goccy/go-json and
// buger/jsonparser, each producing the same typed Arrow columns from the
// same 1M Kafka-like events. It is a separate module so that the engine
// does not depend on the parsers it rejected. Run it with:
//
//	cd engine/internal/jsonkernel/parsercmp && GOMAXPROCS=1 go test -run '^$' -bench . -benchtime 2x
//
// The numbers and the decision are in the jsonkernel package doc.
package parsercmp
