package jsonkernel

import (
	"errors"
	"fmt"
)

// ErrMalformed is matched (errors.Is) by every *MalformedError.
var ErrMalformed = errors.New("jsonkernel: malformed JSON record")

// ErrUnsupportedType is matched by the error NewParser returns for a target
// type it cannot produce.
var ErrUnsupportedType = errors.New("jsonkernel: unsupported type")

// ErrInvalidPath is matched by the error ParsePath returns.
var ErrInvalidPath = errors.New("jsonkernel: invalid JSON path")

// MalformedError describes the first malformed row in FailFast mode, and
// each malformed row in Result.Errors. The caller adds where the row came
// from (topic, partition, offset) by wrapping it.
type MalformedError struct {
	// Row is the index of the row in the input array.
	Row int
	// Pos is the byte offset in the row's text where the problem was found.
	Pos int
	// Field is the dotted path of the field that did not convert, or "" when
	// the text is not valid JSON.
	Field string
	// Reason says what is wrong, e.g. "invalid character 'x' in object".
	Reason string
}

func (e *MalformedError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("jsonkernel: malformed record in row %d: field %s: %s", e.Row, e.Field, e.Reason)
	}
	return fmt.Sprintf("jsonkernel: malformed record in row %d at byte %d: %s", e.Row, e.Pos, e.Reason)
}

// Is makes errors.Is(err, ErrMalformed) true.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// rowError is a problem found while reading one row. syntax errors make the
// whole row malformed; conversion errors null only the enclosing field.
type rowError struct {
	syntax bool
	pos    int
	field  string
	reason string
}

func (e *rowError) Error() string { return e.reason }

func syntaxErr(pos int, format string, args ...any) *rowError {
	return &rowError{syntax: true, pos: pos, reason: fmt.Sprintf(format, args...)}
}

func convErr(pos int, format string, args ...any) *rowError {
	return &rowError{pos: pos, reason: fmt.Sprintf(format, args...)}
}
