package expr

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/jsonkernel"
	"github.com/spate-io/spate/engine/plan"
)

// The JSON functions call the jsonkernel package's kernels.

func init() {
	register(resolveFromJSON, plan.OpFromJSON)
	register(resolveGetJSONObject, "get_json_object")
	register(resolveToJSON, "to_json")
}

// fromJSONOptions are the options from_json reads, with Spark's names.
var fromJSONOptions = map[string]func(o *jsonkernel.Options, v string) error{
	"mode": func(o *jsonkernel.Options, v string) (err error) {
		o.Mode, err = jsonkernel.ParseMode(v)
		return err
	},
	"columnNameOfCorruptRecord": func(o *jsonkernel.Options, v string) error { o.ColumnNameOfCorruptRecord = v; return nil },
	"timestampFormat":           func(o *jsonkernel.Options, v string) error { o.TimestampFormat = v; return nil },
	"dateFormat":                func(o *jsonkernel.Options, v string) error { o.DateFormat = v; return nil },
	"timeZone": func(o *jsonkernel.Options, v string) (err error) {
		o.TimeZone, err = time.LoadLocation(v)
		return err
	},
	"allowNumericLeadingZeros": boolOption(func(o *jsonkernel.Options, b bool) { o.AllowNumericLeadingZeros = b }),
	"allowNonNumericNumbers":   boolOption(func(o *jsonkernel.Options, b bool) { o.RejectNonNumericNumbers = !b }),
	"allowSingleQuotes":        boolOption(func(o *jsonkernel.Options, b bool) { o.RejectSingleQuotes = !b }),
	"allowUnquotedControlChars": boolOption(func(o *jsonkernel.Options, b bool) {
		o.AllowUnquotedControlChars = b
	}),
	"caseSensitive": boolOption(func(o *jsonkernel.Options, b bool) { o.CaseInsensitive = !b }),
	"maxNestingDepth": func(o *jsonkernel.Options, v string) (err error) {
		o.MaxDepth, err = strconv.Atoi(v)
		return err
	},
	"maxStringLen": func(o *jsonkernel.Options, v string) (err error) {
		o.MaxStringLength, err = strconv.Atoi(v)
		return err
	},
}

func boolOption(set func(*jsonkernel.Options, bool)) func(*jsonkernel.Options, string) error {
	return func(o *jsonkernel.Options, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		set(o, b)
		return nil
	}
}

// FromJSONOptionNames lists the from_json options, sorted.
func FromJSONOptionNames() []string {
	return slices.Sorted(maps.Keys(fromJSONOptions))
}

// parseFromJSONOptions reads Spark-named options (case-insensitively, as
// Spark's options are).
func parseFromJSONOptions(opts map[string]string) (jsonkernel.Options, error) {
	var o jsonkernel.Options
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		set, ok := lookupFold(fromJSONOptions, k)
		if !ok {
			return o, fmt.Errorf("unknown option %q (known: %s)", k, strings.Join(FromJSONOptionNames(), ", "))
		}
		if err := set(&o, opts[k]); err != nil {
			return o, fmt.Errorf("option %s: %v", k, err)
		}
	}
	return o, nil
}

func lookupFold[V any](m map[string]V, k string) (V, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for name, v := range m {
		if strings.EqualFold(name, k) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// FromJSON parses JSON text into a struct; malformed rows follow the mode.
type FromJSON struct {
	in     Expr
	parser *jsonkernel.Parser
	mode   jsonkernel.Mode
}

func resolveFromJSON(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	in := args[0]
	if !isStringOrBinary(in.Type()) {
		return nil, analysisf("from_json needs a string or binary column in %s, got %s; the Kafka value column is binary and works as is", r.Where, describe(in))
	}
	st, ok := e.Type.DataType.(*arrow.StructType)
	if !ok {
		return nil, analysisf("from_json in %s: the schema must be a struct, got %s", r.Where, typeName(e.Type.DataType))
	}
	opts, err := parseFromJSONOptions(e.Options)
	if err != nil {
		return nil, analysisf("from_json in %s: %v", r.Where, err)
	}
	p, err := jsonkernel.NewParser(st, opts)
	if err != nil {
		return nil, analysisf("from_json in %s: %v", r.Where, err)
	}
	return &FromJSON{in: in, parser: p, mode: opts.Mode}, nil
}

func (f *FromJSON) Type() arrow.DataType { return f.parser.Type() }
func (f *FromJSON) Name() string         { return "from_json(" + f.in.Name() + ")" }

// Eval parses the batch. DROPMALFORMED marks the malformed rows for the
// operator to drop; FAILFAST fails with where the record came from.
func (f *FromJSON) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	in, err := f.in.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	res, err := f.parser.Parse(c.Mem, in)
	if err != nil {
		var me *jsonkernel.MalformedError
		if errors.As(err, &me) {
			return nil, f.failFast(c, me)
		}
		return nil, errorf("from_json: %v", err)
	}
	defer res.Release()
	c.CountMalformed(len(res.Malformed))
	if f.mode == jsonkernel.DropMalformed {
		for _, row := range res.Malformed {
			c.MarkDrop(row, in.Len())
		}
	}
	res.Rows.Retain()
	return res.Rows, nil
}

// ErrMalformed is matched (errors.Is) by the error of a FAILFAST from_json.
var ErrMalformed = jsonkernel.ErrMalformed

func (f *FromJSON) failFast(c *Ctx, me *jsonkernel.MalformedError) error {
	where := c.locate(me.Row)
	if where == "" {
		where = fmt.Sprintf("row %d of the batch", me.Row)
	}
	what := me.Reason
	if me.Field != "" {
		what = "field " + me.Field + ": " + what
	} else {
		what = fmt.Sprintf("at byte %d: %s", me.Pos, what)
	}
	return fmt.Errorf("engine: from_json (mode FAILFAST) found a malformed record at %s, %s; use mode PERMISSIVE or DROPMALFORMED to keep going: %w", where, what, me)
}

func resolveGetJSONObject(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	in := args[0]
	if !isStringOrBinary(in.Type()) {
		return nil, analysisf("get_json_object needs a string or binary column in %s, got %s", r.Where, describe(in))
	}
	text, err := literalString("get_json_object", "path", args[1])
	if err != nil {
		return nil, err
	}
	path, err := jsonkernel.ParsePath(text)
	if err != nil {
		return nil, analysisf("get_json_object in %s: %v", r.Where, err)
	}
	return &fnExpr{name: "get_json_object", args: args, dt: arrow.BinaryTypes.String, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		out, err := path.Eval(c.Mem, in[0])
		if err != nil {
			return nil, errorf("get_json_object: %v", err)
		}
		return out, nil
	}}, nil
}

func resolveToJSON(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	switch args[0].Type().ID() {
	case arrow.STRUCT, arrow.MAP, arrow.LIST, arrow.LARGE_LIST:
	default:
		return nil, analysisf("to_json needs a struct, map or list in %s, got %s", r.Where, describe(args[0]))
	}
	// Writing an empty column checks every nested type now, not per batch.
	empty := array.MakeArrayOfNull(planMem, args[0].Type(), 0)
	defer empty.Release()
	probe, err := jsonkernel.ToJSON(planMem, empty, jsonkernel.WriteOptions{})
	if err != nil {
		return nil, analysisf("to_json in %s: %v", r.Where, err)
	}
	probe.Release()
	return &fnExpr{name: "to_json", args: args, dt: arrow.BinaryTypes.String, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		out, err := jsonkernel.ToJSON(c.Mem, in[0], jsonkernel.WriteOptions{})
		if err != nil {
			return nil, errorf("to_json: %v", err)
		}
		return out, nil
	}}, nil
}
