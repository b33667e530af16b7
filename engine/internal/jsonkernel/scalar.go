package jsonkernel

import (
	"encoding/base64"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// jsonKind names the JSON value at i for error messages.
func jsonKind(in []byte, i int) string {
	if i >= len(in) {
		return "end of input"
	}
	switch c := in[i]; {
	case c == '"' || c == '\'':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	}
	return "a number"
}

// mismatch is the conversion error for a JSON value of the wrong kind.
func (d *decoder) mismatch(i int, nd *node) *rowError {
	return convErr(i, "cannot read %s as %s", jsonKind(d.in, i), nd.typ)
}

// scalar decodes a non-null value at i into a fixed-width or binary column.
func (d *decoder) scalar(c *column, i int) (int, *rowError) {
	ch := d.in[i]
	switch c.nd.kind {
	case kBool:
		if ch == 't' || ch == 'f' {
			word := "false"
			if ch == 't' {
				word = "true"
			}
			end, err := d.lit(i, word)
			if err == nil {
				c.appendBool(ch == 't')
			}
			return end, err
		}
	case kInt, kUint:
		if ch == '-' || isDigit(ch) {
			return d.integer(c, i)
		}
	case kFloat32, kFloat64:
		return d.float(c, i)
	case kDecimal:
		return d.decimal(c, i)
	case kBinary:
		if d.isQuote(ch) {
			return d.binary(c, i)
		}
	case kDate:
		if d.isQuote(ch) {
			return d.date(c, i)
		}
	case kTimestamp:
		return d.timestamp(c, i)
	}
	return i, d.mismatch(i, c.nd)
}

func (d *decoder) integer(c *column, i int) (int, *rowError) {
	end, isFloat, err := d.num(i)
	if err != nil {
		return end, err
	}
	if isFloat {
		return end, convErr(i, "cannot read the number %s as %s", d.in[i:end], c.nd.typ)
	}
	neg := d.in[i] == '-'
	start := i
	if neg {
		start++
	}
	u, ok := parseUint(d.in[start:end])
	nd := c.nd
	if nd.kind == kUint {
		if !ok || neg && u != 0 || u > nd.umax {
			return end, d.outOfRange(i, end, nd)
		}
		storeUint(c, u)
		return end, nil
	}
	var v int64
	switch {
	case !ok || (!neg && u > math.MaxInt64) || (neg && u > 1<<63):
		return end, d.outOfRange(i, end, nd)
	case neg:
		v = -int64(u)
	default:
		v = int64(u)
	}
	if v < nd.min || v > nd.max {
		return end, d.outOfRange(i, end, nd)
	}
	storeInt(c, v)
	return end, nil
}

func (d *decoder) outOfRange(i, end int, nd *node) *rowError {
	return convErr(i, "number %s is out of range of %s", d.in[i:end], nd.typ)
}

// parseUint reads decimal digits; ok is false on overflow.
func parseUint(b []byte) (u uint64, ok bool) {
	if len(b) > 20 {
		return 0, false
	}
	for _, c := range b {
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}

func storeInt(c *column, v int64) {
	switch c.nd.width {
	case 1:
		appendFixed(c, int8(v))
	case 2:
		appendFixed(c, int16(v))
	case 4:
		appendFixed(c, int32(v))
	default:
		appendFixed(c, v)
	}
}

func storeUint(c *column, v uint64) {
	switch c.nd.width {
	case 1:
		appendFixed(c, uint8(v))
	case 2:
		appendFixed(c, uint16(v))
	case 4:
		appendFixed(c, uint32(v))
	default:
		appendFixed(c, v)
	}
}

// float reads a number, an unquoted NaN/Infinity token, or Spark's quoted
// spellings of them. Numbers beyond the type's range become ±Inf, as Java's
// parsers do.
func (d *decoder) float(c *column, i int) (int, *rowError) {
	ch := d.in[i]
	var v float64
	end := i
	if e, sign, ok := d.nonNumericAt(i); ok {
		end, v = e, signedInf(sign)
	} else if ch == '-' || isDigit(ch) {
		var err *rowError
		if end, _, err = d.num(i); err != nil {
			return end, err
		}
		bits := 64
		if c.nd.kind == kFloat32 {
			bits = 32
		}
		v, _ = strconv.ParseFloat(bytesString(d.in[i:end]), bits) // grammar checked; range errors give ±Inf
	} else if d.isQuote(ch) {
		text, e, err := d.quoted(i)
		if err != nil {
			return e, err
		}
		end = e
		sign, ok := quotedNonNumeric(text)
		if !ok || !d.scanner.nonNumeric {
			return end, convErr(i, "cannot read the string %q as %s", text, c.nd.typ)
		}
		v = signedInf(sign)
	} else {
		return i, d.mismatch(i, c.nd)
	}
	if c.nd.kind == kFloat32 {
		appendFixed(c, float32(v))
	} else {
		appendFixed(c, v)
	}
	return end, nil
}

// signedInf maps a sign to ±Inf, and 0 to NaN.
func signedInf(sign int) float64 {
	if sign == 0 {
		return math.NaN()
	}
	return math.Inf(sign)
}

// quotedNonNumeric matches the quoted spellings Spark's JacksonParser
// accepts for float and double fields.
func quotedNonNumeric(text []byte) (sign int, ok bool) {
	switch string(text) {
	case "NaN":
		return 0, true
	case "+INF", "+Infinity", "Infinity":
		return 1, true
	case "-INF", "-Infinity":
		return -1, true
	}
	return 0, false
}

// decimal reads a number or a non-empty string, rounding half up to the
// scale; more digits than the precision is a conversion error, as Spark's
// Decimal(value, precision, scale).
func (d *decoder) decimal(c *column, i int) (int, *rowError) {
	ch := d.in[i]
	var text []byte
	end := i
	switch {
	case ch == '-' || isDigit(ch):
		var err *rowError
		if end, _, err = d.num(i); err != nil {
			return end, err
		}
		text = d.in[i:end]
	case d.isQuote(ch):
		var err *rowError
		if text, end, err = d.quoted(i); err != nil {
			return end, err
		}
		if !validDecimalText(text) {
			return end, convErr(i, "cannot read the string %q as %s", text, c.nd.typ)
		}
	default:
		return i, d.mismatch(i, c.nd)
	}
	n, err := decimal128.FromString(string(text), c.nd.prec, c.nd.scale)
	if err != nil {
		return end, convErr(i, "%s does not fit %s", text, c.nd.typ)
	}
	appendFixed(c, n)
	return end, nil
}

// validDecimalText accepts a plain decimal number with optional sign and
// exponent, the text Java's BigDecimal parses.
func validDecimalText(b []byte) bool {
	s := scanner{in: b, leadingZeros: true}
	i := 0
	if len(b) > 0 && b[0] == '+' {
		i++
	}
	if i < len(b) && b[i] != '-' && !isDigit(b[i]) {
		return false
	}
	end, _, err := s.num(i)
	return err == nil && end == len(b)
}

// binary decodes a base64 string (standard alphabet, padded), as Jackson's
// getBinaryValue does for Spark.
func (d *decoder) binary(c *column, i int) (int, *rowError) {
	text, end, err := d.quoted(i)
	if err != nil {
		return end, err
	}
	n := base64.StdEncoding.DecodedLen(len(text))
	c.data.grow(n)
	m, e := base64.StdEncoding.Decode(c.data.b[c.data.n:c.data.n+n], text)
	if e != nil {
		return end, convErr(i, "cannot read the string as base64 binary: %v", e)
	}
	c.data.n += m
	c.pushOffset(c.data.n)
	c.slot()
	return end, nil
}
