package jsonkernel

import (
	"strings"
	"unicode/utf8"
)

// decoder reads the rows of one Parse call. It is not shared between
// goroutines.
type decoder struct {
	scanner
	p       *Parser
	bad     *rowError // first conversion failure of the current row
	scratch []byte    // decoded keys and quoted scalars
}

// quoted returns the decoded content of the string at i: a view of the
// input when it has no escapes, else the scratch buffer.
func (d *decoder) quoted(i int) (text []byte, end int, err *rowError) {
	end, clean, err := d.str(i)
	if err != nil {
		return nil, end, err
	}
	if clean {
		return d.in[i+1 : end-1], end, nil
	}
	d.scratch = appendUnescaped(d.scratch[:0], d.in, i+1, end-1)
	return d.scratch, end, nil
}

// flag records the first conversion failure of the row.
func (d *decoder) flag(err *rowError, nd *node) {
	if d.bad == nil {
		err.field = nd.path
		d.bad = err
	}
}

// decode appends the value at i (no leading whitespace) to c and returns
// the position after it. A conversion error leaves c with extra slots that
// the caller truncates.
func (d *decoder) decode(c *column, i, depth int) (int, *rowError) {
	if i >= len(d.in) {
		return i, unexpected(d.in, i, "a value")
	}
	if d.in[i] == 'n' {
		end, err := d.lit(i, "null")
		if err == nil {
			c.appendNull()
		}
		return end, err
	}
	switch c.nd.kind {
	case kStruct:
		if d.in[i] != '{' {
			return i, d.mismatch(i, c.nd)
		}
		end, err := d.fields(c, i, depth+1)
		if err == nil {
			c.slot()
		}
		return end, err
	case kList:
		return d.list(c, i, depth+1)
	case kMap:
		return d.mapValue(c, i, depth+1)
	case kString:
		return d.stringValue(c, i, depth)
	case kNull:
		end, err := d.skip(i, depth)
		if err == nil {
			c.appendNull()
		}
		return end, err
	}
	return d.scalar(c, i)
}

// fields decodes the object at i into the children of struct column c and
// leaves the struct's own slot to the caller. A field that fails to convert
// is null and the row is flagged; the other fields keep their values
// (Spark 3.4+, spark.sql.json.enablePartialResults=true).
func (d *decoder) fields(c *column, i, depth int) (int, *rowError) {
	if err := d.tooDeep(i, depth); err != nil {
		return i, err
	}
	n := c.n
	j := d.ws(i + 1)
	if j < len(d.in) && d.in[j] == '}' {
		j++
	} else {
		for {
			var err *rowError
			if j, err = d.field(c, n, j, depth); err != nil {
				return j, err
			}
			var done bool
			if j, done, err = d.next(j, '}'); err != nil {
				return j, err
			} else if done {
				break
			}
		}
	}
	for _, k := range c.kids {
		if k.n == n {
			k.appendNull() // absent from the object
		}
	}
	return j, nil
}

// field decodes one key and its value at j into the struct column c whose
// row is slot n.
func (d *decoder) field(c *column, n, j, depth int) (int, *rowError) {
	if j >= len(d.in) || !d.isQuote(d.in[j]) {
		return j, unexpected(d.in, j, "a quoted field name")
	}
	key, kend, err := d.quoted(j)
	if err != nil {
		return kend, err
	}
	idx := d.lookup(c, key)
	j = d.ws(kend)
	if j >= len(d.in) || d.in[j] != ':' {
		return j, unexpected(d.in, j, "':' after a field name")
	}
	j = d.ws(j + 1)
	if idx < 0 {
		return d.skip(j, depth) // unknown fields are ignored
	}
	kid := c.kids[idx]
	if kid.n > n {
		kid.truncate(n) // a repeated key: the last one wins, as in Spark
	}
	end, err := d.decode(kid, j, depth)
	if err == nil {
		return end, nil
	}
	if err.syntax {
		return end, err
	}
	kid.truncate(n)
	kid.appendNull()
	d.flag(err, kid.nd)
	return d.skip(j, depth)
}

// lookup finds the field named key, trying the field after the last match
// first.
func (d *decoder) lookup(c *column, key []byte) int {
	nd := c.nd
	if h := c.hint; h < len(nd.names) && h != nd.corrupt && !nd.folded && string(key) == nd.names[h] {
		c.hint = h + 1
		return h
	}
	if nd.folded {
		key = foldKey(key)
	}
	idx, ok := nd.index[string(key)]
	if !ok {
		return -1
	}
	c.hint = idx + 1
	return idx
}

// foldKey lower-cases a key for case-insensitive matching.
func foldKey(key []byte) []byte {
	for _, b := range key {
		if b >= utf8.RuneSelf || ('A' <= b && b <= 'Z') {
			return []byte(strings.ToLower(string(key)))
		}
	}
	return key
}

func (d *decoder) list(c *column, i, depth int) (int, *rowError) {
	if d.in[i] != '[' {
		return i, d.mismatch(i, c.nd)
	}
	if err := d.tooDeep(i, depth); err != nil {
		return i, err
	}
	kid := c.kids[0]
	j := d.ws(i + 1)
	if j < len(d.in) && d.in[j] == ']' {
		c.endNested()
		return j + 1, nil
	}
	for {
		// An element that fails to convert fails the whole list, as in
		// Spark; struct elements absorb their own field failures.
		end, err := d.decode(kid, j, depth)
		if err != nil {
			return end, err
		}
		var done bool
		if j, done, err = d.next(end, ']'); err != nil {
			return j, err
		} else if done {
			c.endNested()
			return j, nil
		}
	}
}

// mapValue decodes an object into a map<string,_>. Every key is kept in
// order, repeated keys too, as Spark's ArrayBasedMapData does; a value that
// fails to convert fails the whole map.
func (d *decoder) mapValue(c *column, i, depth int) (int, *rowError) {
	if d.in[i] != '{' {
		return i, d.mismatch(i, c.nd)
	}
	if err := d.tooDeep(i, depth); err != nil {
		return i, err
	}
	entries := c.kids[0]
	keys, vals := entries.kids[0], entries.kids[1]
	j := d.ws(i + 1)
	if j < len(d.in) && d.in[j] == '}' {
		c.endNested()
		return j + 1, nil
	}
	for {
		if j >= len(d.in) || !d.isQuote(d.in[j]) {
			return j, unexpected(d.in, j, "a quoted field name")
		}
		kend, err := d.stringValue(keys, j, depth)
		if err != nil {
			return kend, err
		}
		j = d.ws(kend)
		if j >= len(d.in) || d.in[j] != ':' {
			return j, unexpected(d.in, j, "':' after a field name")
		}
		end, err := d.decode(vals, d.ws(j+1), depth)
		if err != nil {
			return end, err
		}
		entries.slot()
		var done bool
		if j, done, err = d.next(end, '}'); err != nil {
			return j, err
		} else if done {
			c.endNested()
			return j, nil
		}
	}
}

// stringValue appends a string. Any other JSON value is kept as its exact
// text, as Spark's string fields do (spark.sql.json.enableExactStringParsing).
func (d *decoder) stringValue(c *column, i, depth int) (int, *rowError) {
	if !d.isQuote(d.in[i]) {
		end, err := d.skip(i, depth)
		if err == nil {
			c.appendBytes(d.in[i:end])
		}
		return end, err
	}
	end, clean, err := d.str(i)
	if err != nil {
		return end, err
	}
	if clean {
		c.appendBytes(d.in[i+1 : end-1])
	} else {
		c.appendUnescapedString(d.in, i+1, end-1)
	}
	return end, nil
}
