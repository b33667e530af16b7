// Package jsonkernel holds the engine's JSON kernels over Arrow arrays:
// FromJSON (Spark's from_json), GetJSONObject (get_json_object) and ToJSON
// (to_json). The engine's expressions of the same names call it; nothing
// here knows about plans, Kafka or checkpoints.
//
// FromJSON is a single-pass scanner that validates the text in place and
// appends each value straight into Arrow buffers allocated from the
// caller's memory.Allocator: no token stream, no intermediate tree, no
// per-row allocation.
//
// # Usage
//
//	clicks := arrow.StructOf(
//		arrow.Field{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
//		arrow.Field{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
//		arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
//		arrow.Field{Name: "_corrupt_record", Type: arrow.BinaryTypes.String, Nullable: true},
//	)
//	// At plan time: validates the type and options.
//	p, err := jsonkernel.NewParser(clicks, jsonkernel.Options{Mode: jsonkernel.Permissive})
//	// Per batch: values is the Kafka value column (binary or string).
//	res, err := p.Parse(mem, values)
//	if err != nil {
//		var me *jsonkernel.MalformedError // FailFast: add topic/partition/offset of row me.Row
//		...
//	}
//	defer res.Release()
//	col := res.Rows           // *array.Struct, one slot per input row
//	_ = res.Malformed         // indexes of malformed rows
//	if res.Keep != nil { ... } // DropMalformed: compute.Filter the batch with it
//
//	obj, err := jsonkernel.GetJSONObject(mem, values, "$.items[0].sku") // *array.String
//	txt, err := jsonkernel.ToJSON(mem, structs, jsonkernel.WriteOptions{}) // *array.String
//
// A whole arrow.Schema is parsed with arrow.StructOf(schema.Fields()...).
//
// # FromJSON semantics (Spark 3.5, JacksonParser and FailureSafeParser)
//
// Input: string, large_string, string_view, binary, large_binary or
// binary_view, one JSON text per row. Target: a struct whose fields are
// null, bool, int8-64, uint8-64, float32/64, decimal128, string,
// large_string, binary, large_binary (base64 text), date32, timestamp (any
// unit, with or without zone), struct, list, large_list and
// map<string, V>, nested freely.
//
//   - A null input row gives a null row; so does an empty or all-whitespace
//     text (Jackson finds no token).
//   - Malformed JSON (syntax errors, a top-level array or scalar or null,
//     nesting deeper than MaxDepth, a string longer than MaxStringLength,
//     a number longer than 1000 characters) makes every field null. The row
//     itself is a valid struct (Spark 3.0+ returns a row of nulls, not null).
//   - A value that does not convert to its field's type (a string for an
//     int, 1.5 for an int, 300 for an int8, an unparseable timestamp) makes
//     that field null and keeps the row's other fields, as Spark 3.4+ does
//     with spark.sql.json.enablePartialResults=true (its default). This
//     applies at every struct level. A list element or map value that does
//     not convert makes the whole list or map null (Spark keeps partial
//     lists only for struct elements, which absorb their own failures).
//     Such a row still counts as malformed: it is in Result.Malformed, gets
//     its text in the corrupt record field, is dropped by DropMalformed and
//     fails FailFast.
//   - The corrupt record field (ColumnNameOfCorruptRecord, default
//     "_corrupt_record", top level only, must be a string) is never read
//     from the JSON; it holds the raw text of malformed rows and is null
//     otherwise.
//   - Keys match field names case-sensitively (CaseInsensitive to relax);
//     unknown keys are skipped but must still be valid JSON; a repeated key
//     is decided by its last occurrence, as Spark's row.update does.
//   - Anything after the top-level object is ignored, as Jackson reads one
//     value: `{"a":1} trailing` parses as {a:1}.
//   - Numbers follow Jackson's defaults: no leading zeros or '+' sign,
//     unquoted NaN, Infinity, +Infinity, -Infinity, +INF, -INF allowed
//     (RejectNonNumericNumbers to refuse). Single-quoted strings are
//     allowed (Spark's allowSingleQuotes=true); raw control characters in
//     strings are not.
//   - Integers must be integer tokens within the type's range (Jackson's
//     getIntValue and friends); floats take any number, overflowing to ±Inf,
//     and the quoted strings "NaN", "Infinity", "+Infinity", "+INF",
//     "-Infinity", "-INF". Decimals take numbers and numeric strings,
//     rounded half-up to the scale; too many digits is a conversion error.
//   - Strings take JSON strings; any other value is kept as its exact JSON
//     text (Spark's spark.sql.json.enableExactStringParsing, default true
//     in Spark 4; Spark 3.5 re-prints it compactly). Binary takes standard
//     padded base64. An empty string converts only to string and binary.
//   - Invalid UTF-8 inside strings becomes U+FFFD, one per invalid byte,
//     as Java's UTF-8 decoder does under Spark; the row is not malformed.
//   - Timestamps take text or integer seconds since the epoch (Spark's
//     JacksonParser multiplies a JSON integer by 1e6; we check overflow
//     where Spark wraps). Without TimestampFormat the text may be
//     yyyy[-m[m][-d[d]]][T| h[h]:m[m][:s[s][.fraction]]][zone], zone being
//     Z, ±h[h][[:]mm[[:]ss]], UTC/GMT/UT[±offset] or a region id such as
//     Europe/Berlin: Spark's ISO pattern with its stringToTimestamp
//     fallback. Text without a zone is in Options.TimeZone (default UTC).
//     A timestamp type without a time zone is Spark's TIMESTAMP_NTZ: the
//     wall clock as written, text with a zone or an epoch number is a
//     conversion error. Fractions finer than the unit are truncated;
//     values outside the unit's int64 range are conversion errors. With
//     TimestampFormat (a Spark pattern: y M d H h m s S a E X x Z z 'text')
//     there is no fallback, as in Spark.
//   - Dates take yyyy, yyyy-[m]m or yyyy-[m]m-[d]d, ignoring anything after
//     a 'T' or a space (Spark's stringToDate fallback), or DateFormat.
//   - Maps keep every key in order, repeated keys too (Spark's
//     ArrayBasedMapData does not deduplicate JSON keys).
//   - DropMalformed is allowed here although Spark's from_json refuses it
//     (it is the DataFrameReader's mode): the engine filters the batch with
//     Result.Keep and counts len(Result.Malformed).
//   - A batch whose string, binary or list output would pass 2 GiB with
//     32-bit offsets is refused with an error naming the field: use the
//     large types or smaller batches.
//
// # Choice of parser, by measurement
//
// Each candidate turned the same 1,048,576 click events (~150 bytes, 8
// fields: ints, strings, an RFC 3339 timestamp, a float, a bool; 160 MB)
// into the same typed Arrow columns; the others through a Go struct or
// their own tree plus Arrow builders and time.Parse. Module parsercmp
// (engine/internal/jsonkernel/parsercmp, a separate module so the engine
// does not depend on the losers) holds the benchmark. One run, GOMAXPROCS=1,
// 2-core machine shared with other builds (load 5-13, so read ratios, and
// the goccy and jsonparser rows ran during the heaviest load):
//
//	candidate                               rows/s   MB/s  allocated  allocs
//	jsonkernel scanner -> Arrow buffers      2.22M    339     102 MB     141
//	bytedance/sonic v1.15.5 Unmarshal        0.57M     88     520 MB   11.5M
//	valyala/fastjson v1.6.10                 0.55M     85     150 MB     403
//	encoding/json Unmarshal (baseline)       0.35M     53     595 MB   17.8M
//	buger/jsonparser v1.1.1 EachKey          0.16M     25     301 MB   12.6M
//	goccy/go-json v0.12.0 Unmarshal          0.15M     23     369 MB   13.6M
//	encoding/json Decoder.Token              0.05M      7    3.27 GB    128M
//
// The hand-written scanner wins because it has no intermediate form: it
// validates bytes in place, reads integers and timestamps without strconv
// or time.Parse, and appends into buffers sized for the batch. In this package, BenchmarkFromJSON against
// BenchmarkEncodingJSONBaseline (same input, same run, best of 3):
// GOMAXPROCS=1 1.98M vs 0.385M rows/s (5.1x); GOMAXPROCS=2 1.99M vs 0.41M
// rows/s (4.9x: a Parse call is single-threaded, the second core only
// helps the garbage collector). 141 allocations per 1M-row batch (the
// column buffers), against 17.8M.
package jsonkernel
