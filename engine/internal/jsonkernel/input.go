package jsonkernel

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// texts reads the rows of an input array of JSON texts as bytes without
// copying them.
type texts struct {
	arr   arrow.Array
	value func(i int) []byte
}

// newTexts accepts the string and binary types (plain, large and view).
func newTexts(values arrow.Array) (texts, error) {
	t := texts{arr: values}
	switch a := values.(type) {
	case *array.String:
		t.value = func(i int) []byte { return stringBytes(a.Value(i)) }
	case *array.LargeString:
		t.value = func(i int) []byte { return stringBytes(a.Value(i)) }
	case *array.StringView:
		t.value = func(i int) []byte { return stringBytes(a.Value(i)) }
	case *array.Binary:
		t.value = a.Value
	case *array.LargeBinary:
		t.value = a.Value
	case *array.BinaryView:
		t.value = a.Value
	default:
		return t, fmt.Errorf("jsonkernel: JSON input must be a string or binary column, got %s", values.DataType())
	}
	return t, nil
}

// stringBytes views a string's bytes; callers never write to them.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// bytesString views bytes as a string for lookups and strconv; the string
// must not outlive the bytes.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
