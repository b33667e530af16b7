package jsonkernel

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Parser turns JSON texts into a struct column of a fixed type. Build it
// once per expression (NewParser validates the type, so a plan can be
// refused before it runs) and call Parse per batch. A Parser is immutable
// and safe for concurrent use.
type Parser struct {
	typ        *arrow.StructType
	root       *node
	opts       Options
	tsFormat   timeFormat
	dateFormat timeFormat
}

// NewParser compiles the target type. It fails for types from_json cannot
// produce (ErrUnsupportedType), a corrupt record field that is not a
// string, fields that collide under case-insensitive matching, and
// datetime patterns it cannot read.
func NewParser(t *arrow.StructType, opts Options) (*Parser, error) {
	if t == nil {
		return nil, errors.New("jsonkernel: NewParser needs a struct type")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	p := &Parser{typ: t, opts: opts}
	var err error
	if p.root, err = compile(t, "", &p.opts, true); err != nil {
		return nil, err
	}
	if p.tsFormat, err = newTimeFormat(opts.TimestampFormat); err != nil {
		return nil, err
	}
	if p.dateFormat, err = newTimeFormat(opts.DateFormat); err != nil {
		return nil, err
	}
	return p, nil
}

// Type is the type of the column Parse returns.
func (p *Parser) Type() *arrow.StructType { return p.typ }

// Result is the outcome of Parse.
type Result struct {
	// Rows has one slot per input row. A null input row and an empty (or
	// all-whitespace) text give a null slot; a malformed row gives a valid
	// slot with null fields (Permissive and DropMalformed). Release it.
	Rows *array.Struct
	// Malformed lists the indexes of malformed rows, ascending; nil when
	// none. Rows that only had some fields fail to convert count too.
	Malformed []int
	// FirstError describes the first malformed row, nil when none.
	FirstError *MalformedError
	// Keep is set in DropMalformed mode when some rows are malformed: true
	// for the rows to keep, to filter the batch with (compute.Filter). It is
	// nil otherwise. Release it.
	Keep *array.Boolean
}

// Release frees the arrays of the result.
func (r *Result) Release() {
	if r.Rows != nil {
		r.Rows.Release()
		r.Rows = nil
	}
	if r.Keep != nil {
		r.Keep.Release()
		r.Keep = nil
	}
}

// FromJSON parses values (string or binary JSON texts) into a struct
// column of type t. It is NewParser followed by Parse; build the Parser
// once when parsing many batches.
func FromJSON(mem memory.Allocator, values arrow.Array, t *arrow.StructType, opts Options) (*Result, error) {
	p, err := NewParser(t, opts)
	if err != nil {
		return nil, err
	}
	return p.Parse(mem, values)
}

// Parse reads every row of values. In FailFast mode the first malformed
// row stops it with a *MalformedError (errors.Is(err, ErrMalformed)). Every
// buffer comes from mem; nothing is left allocated on error.
func (p *Parser) Parse(mem memory.Allocator, values arrow.Array) (*Result, error) {
	in, err := newTexts(values)
	if err != nil {
		return nil, err
	}
	d := &decoder{p: p, scanner: p.scanner()}
	col := newColumn(mem, p.root)
	col.reserve(values.Len())
	res := &Result{}
	// int32 offsets can only overflow when the output may pass 2 GiB:
	// decoding grows text at most threefold.
	checkEachRow := inputBytes(values) > math.MaxInt32/4
	for i := 0; i < values.Len(); i++ {
		if values.IsNull(i) {
			col.appendNull() // from_json(null) is null
			continue
		}
		if e := d.row(col, in.value(i)); e != nil {
			me := &MalformedError{Row: i, Pos: e.pos, Field: e.field, Reason: e.reason}
			if p.opts.Mode == FailFast {
				col.release()
				return nil, me
			}
			if res.FirstError == nil {
				res.FirstError = me
			}
			res.Malformed = append(res.Malformed, i)
		}
		if checkEachRow {
			if err := col.checkOffsets(); err != nil {
				col.release()
				return nil, err
			}
		}
	}
	res.Rows = array.NewStructData(col.finish())
	res.Rows.Data().Release() // NewStructData retained it
	if p.opts.Mode == DropMalformed && len(res.Malformed) > 0 {
		res.Keep = keepMask(mem, values.Len(), res.Malformed)
	}
	return res, nil
}

func (p *Parser) scanner() scanner {
	o := &p.opts
	return scanner{
		leadingZeros: o.AllowNumericLeadingZeros,
		nonNumeric:   !o.RejectNonNumericNumbers,
		singleQuotes: !o.RejectSingleQuotes,
		ctrlChars:    o.AllowUnquotedControlChars,
		maxDepth:     o.MaxDepth,
		maxString:    o.MaxStringLength,
	}
}

// inputBytes is the total size of the texts of a string or binary array.
func inputBytes(values arrow.Array) int {
	total := 0
	for _, b := range values.Data().Buffers() {
		if b != nil {
			total += b.Len()
		}
	}
	return total
}

// keepMask is true except at the malformed rows.
func keepMask(mem memory.Allocator, n int, malformed []int) *array.Boolean {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	next := 0
	for i := 0; i < n; i++ {
		drop := next < len(malformed) && malformed[next] == i
		if drop {
			next++
		}
		b.UnsafeAppend(!drop)
	}
	return b.NewBooleanArray()
}

// row decodes one JSON text into the top-level struct column and returns
// the problem that makes it malformed, if any.
func (d *decoder) row(c *column, text []byte) *rowError {
	d.in, d.bad = text, nil
	i := d.ws(0)
	if i == len(text) {
		c.appendNull() // Spark: no token at all gives a null row, not a bad one
		return nil
	}
	var err *rowError
	if text[i] != '{' {
		// Spark's from_json refuses arrays and scalars for a struct schema
		// (allowArrayAsStructs=false) and a top-level null.
		err = syntaxErr(i, "expected a JSON object, got %s", jsonKind(text, i))
	} else {
		// Anything after the object is ignored: Jackson reads one value.
		_, err = d.fields(c, i, 1)
	}
	if err == nil && d.bad == nil {
		c.slot()
		return nil
	}
	if err != nil {
		// Not valid JSON: every field is null.
		for _, k := range c.kids {
			k.truncate(c.n)
			k.appendNull()
		}
	} else {
		err = d.bad
	}
	if ci := c.nd.corrupt; ci >= 0 {
		k := c.kids[ci]
		k.truncate(c.n)
		k.appendBytes(validUTF8(text, d.scratch[:0]))
	}
	c.slot()
	return err
}

// validUTF8 returns text with invalid bytes replaced by U+FFFD, reusing
// scratch when a copy is needed.
func validUTF8(text, scratch []byte) []byte {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return appendUnescapedRaw(scratch, text)
		}
	}
	return text
}

// String describes the parser for logs and plan printing.
func (p *Parser) String() string {
	return fmt.Sprintf("from_json(%s, mode=%s)", p.typ, p.opts.Mode)
}
