package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/kernels"
	"github.com/spate-io/spate/engine/plan"
)

// String functions. arrow-go's compute has no string kernels (no
// utf8_lower, utf8_length, binary_join, split_pattern, ... as Arrow C++
// has), so they are written here over the string buffers.

func init() {
	register(resolveCaseFn, "lower", "upper")
	register(resolveTrim, "trim", "ltrim", "rtrim")
	register(resolveLength, "length")
	register(resolveSubstring, "substring")
	register(resolveConcat, "concat")
	register(resolveConcatWS, "concat_ws")
	register(resolveAffix, "starts_with", "ends_with", "contains")
	register(resolveLike, "like")
}

// stringArg implicitly casts a non-string argument to string, as Spark
// does for string functions; binary stays binary when binaryOK.
func stringArg(r *Resolver, fn string, a Expr, binaryOK bool) (Expr, error) {
	dt := a.Type()
	switch {
	case isString(dt):
		return a, nil
	case isBinary(dt) && binaryOK:
		return a, nil
	case isNull(dt), isNumeric(dt), isBool(dt), isTimestamp(dt), isDate(dt), isBinary(dt):
		return coerce(a, arrow.BinaryTypes.String), nil
	}
	return nil, analysisf("%s needs a string in %s, got %s", fn, r.Where, describe(a))
}

func stringArgs(r *Resolver, fn string, args []Expr, binaryOK bool) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		var err error
		if out[i], err = stringArg(r, fn, a, binaryOK); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mapStrings builds a column of the same string type by transforming each
// value; nulls stay null.
func mapStrings(c *Ctx, in arrow.Array, f func(dst []byte, s string) []byte) arrow.Array {
	b := newStringBuilder(c.Mem, in.DataType(), in.Len(), dataLen(in))
	defer b.Release()
	var buf []byte
	for i := 0; i < in.Len(); i++ {
		if in.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = f(buf[:0], strAt(in, i))
		b.Append(buf)
	}
	return finishBinary(b)
}

func resolveCaseFn(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a, err := stringArg(r, e.Op, args[0], false)
	if err != nil {
		return nil, err
	}
	conv := strings.ToLower
	if e.Op == "upper" {
		conv = strings.ToUpper
	}
	return &fnExpr{name: e.Op, args: []Expr{a}, dt: a.Type(), k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return mapStrings(c, in[0], func(dst []byte, s string) []byte { return append(dst, conv(s)...) }), nil
	}}, nil
}

// resolveTrim: Spark's trim, ltrim and rtrim remove spaces (0x20) only.
func resolveTrim(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a, err := stringArg(r, e.Op, args[0], false)
	if err != nil {
		return nil, err
	}
	trim := map[string]func(string, string) string{"trim": strings.Trim, "ltrim": strings.TrimLeft, "rtrim": strings.TrimRight}[e.Op]
	return &fnExpr{name: e.Op, args: []Expr{a}, dt: a.Type(), k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return mapStrings(c, in[0], func(dst []byte, s string) []byte { return append(dst, trim(s, " ")...) }), nil
	}}, nil
}

// resolveLength: characters (code points) of a string, bytes of a binary.
func resolveLength(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a, err := stringArg(r, e.Op, args[0], true)
	if err != nil {
		return nil, err
	}
	chars := isString(a.Type())
	return &fnExpr{name: "length", args: []Expr{a}, dt: arrow.PrimitiveTypes.Int32, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		o := newFixedOut[int32](c.Mem, n, 4)
		for i := range o.vals {
			if in[0].IsNull(i) {
				o.null(i)
				continue
			}
			b := bytesAt(in[0], i)
			if chars {
				o.vals[i] = int32(utf8.RuneCount(b))
			} else {
				o.vals[i] = int32(len(b))
			}
		}
		return o.array(arrow.PrimitiveTypes.Int32), nil
	}}, nil
}

// resolveSubstring is Spark's substring(str, pos[, len]): 1-based, a
// negative pos counts from the end, 0 is the start; in characters for a
// string, bytes for a binary.
func resolveSubstring(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, e.Op, args[0], true)
	if err != nil {
		return nil, err
	}
	out := []Expr{s}
	for _, a := range args[1:] {
		if !isIntegral(a.Type()) && !isNull(a.Type()) {
			return nil, analysisf("substring position and length must be integers in %s, got %s", r.Where, describe(a))
		}
		out = append(out, coerce(a, arrow.PrimitiveTypes.Int64))
	}
	chars := isString(s.Type())
	return &fnExpr{name: "substring", args: out, dt: s.Type(), k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return substringKernel(c, n, in, chars), nil
	}}, nil
}

func substringKernel(c *Ctx, n int, in []arrow.Array, chars bool) arrow.Array {
	pos := intReader(in[1])
	length := func(int) int64 { return maxInt64 }
	if len(in) == 3 {
		length = intReader(in[2])
	}
	b := newStringBuilder(c.Mem, in[0].DataType(), n, dataLen(in[0]))
	defer b.Release()
	for i := 0; i < n; i++ {
		if in[0].IsNull(i) || in[1].IsNull(i) || (len(in) == 3 && in[2].IsNull(i)) {
			b.AppendNull()
			continue
		}
		b.Append(substringSQL(bytesAt(in[0], i), pos(i), length(i), chars))
	}
	return finishBinary(b)
}

// substringSQL is UTF8String.substringSQL.
func substringSQL(s []byte, pos, length int64, chars bool) []byte {
	n := int64(len(s))
	if chars {
		n = int64(utf8.RuneCount(s))
	}
	var start int64
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0:
		start = n + pos
	}
	end := start + length
	if length > 0 && end < start { // overflow
		end = maxInt64
	}
	start = max(start, 0)
	end = min(end, n)
	if start >= end {
		return nil
	}
	if !chars || n == int64(len(s)) {
		return s[start:end]
	}
	return s[runeOffset(s, start):runeOffset(s, end)]
}

// runeOffset is the byte offset of character k of s.
func runeOffset(s []byte, k int64) int {
	off := 0
	for ; k > 0 && off < len(s); k-- {
		_, size := utf8.DecodeRune(s[off:])
		off += size
	}
	return off
}

// resolveConcat: null when any argument is null, as Spark's concat.
func resolveConcat(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	allBinary := true
	for _, a := range args {
		allBinary = allBinary && isBinary(a.Type())
	}
	out, err := stringArgs(r, e.Op, args, allBinary)
	if err != nil {
		return nil, err
	}
	dt := arrow.DataType(arrow.BinaryTypes.String)
	if allBinary {
		dt = arrow.BinaryTypes.Binary
	}
	for i := range out {
		out[i] = coerce(out[i], dt)
	}
	return &fnExpr{name: "concat", args: out, dt: dt, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return joinKernel(c, n, dt, in, nil, false)
	}}, nil
}

// resolveConcatWS: concat_ws(sep, ...) skips null arguments; a null
// separator gives null.
func resolveConcatWS(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	out, err := stringArgs(r, e.Op, args, false)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = coerce(out[i], arrow.BinaryTypes.String)
	}
	return &fnExpr{name: "concat_ws", args: out, dt: arrow.BinaryTypes.String, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return joinKernel(c, n, arrow.BinaryTypes.String, in[1:], in[0], true)
	}}, nil
}

// maxOutputBytes bounds one string column built by a kernel: Arrow's
// string type has 32-bit offsets.
const maxOutputBytes = 1<<31 - 1

func joinKernel(c *Ctx, n int, dt arrow.DataType, parts []arrow.Array, sep arrow.Array, skipNulls bool) (arrow.Array, error) {
	total := 0
	for _, p := range parts {
		total += dataLen(p)
	}
	if sep != nil {
		total += dataLen(sep) * len(parts)
	}
	if total > maxOutputBytes {
		return nil, errorf("concat: the batch's result would exceed 2 GiB; use smaller batches (maxOffsetsPerTrigger)")
	}
	b := newStringBuilder(c.Mem, dt, n, total)
	defer b.Release()
	var buf []byte
	for i := 0; i < n; i++ {
		if sep != nil && sep.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = buf[:0]
		null, first := false, true
		for _, p := range parts {
			if p.IsNull(i) {
				if skipNulls {
					continue
				}
				null = true
				break
			}
			if sep != nil && !first {
				buf = append(buf, bytesAt(sep, i)...)
			}
			first = false
			buf = append(buf, bytesAt(p, i)...)
		}
		if null {
			b.AppendNull()
			continue
		}
		b.Append(buf)
	}
	return finishBinary(b), nil
}

// resolveAffix: startswith, endswith, contains.
func resolveAffix(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	bin := isBinary(args[0].Type()) && isBinary(args[1].Type())
	out, err := stringArgs(r, e.Op, args, bin)
	if err != nil {
		return nil, err
	}
	test := map[string]func(string, string) bool{"starts_with": strings.HasPrefix, "ends_with": strings.HasSuffix, "contains": strings.Contains}[e.Op]
	name := strings.ReplaceAll(e.Op, "_", "")
	return &fnExpr{name: name, args: out, dt: arrow.FixedWidthTypes.Boolean, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		o := newBoolOut(c.Mem, n)
		for i := 0; i < n; i++ {
			if in[0].IsNull(i) || in[1].IsNull(i) {
				o.null(i)
				continue
			}
			o.set(i, test(strAt(in[0], i), strAt(in[1], i)))
		}
		return o.array(), nil
	}}, nil
}

// resolveLike: str LIKE pattern, the pattern a literal compiled once.
func resolveLike(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, "like", args[0], false)
	if err != nil {
		return nil, err
	}
	pattern, err := literalString("like", "pattern", args[1])
	if err != nil {
		return nil, err
	}
	m, err := kernels.CompileLike(pattern, '\\')
	if err != nil {
		return nil, analysisf("like in %s: %v", r.Where, err)
	}
	return &predicate{name: s.Name() + " LIKE " + pattern, in: s, test: m.Match}, nil
}

// predicate is a boolean test of each string value.
type predicate struct {
	name string
	in   Expr
	test func(string) bool
}

func (p *predicate) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (p *predicate) Name() string         { return p.name }

func (p *predicate) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	in, err := p.in.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	o := newBoolOut(c.Mem, in.Len())
	for i := 0; i < in.Len(); i++ {
		if in.IsNull(i) {
			o.null(i)
			continue
		}
		o.set(i, p.test(strAt(in, i)))
	}
	return o.array(), nil
}
