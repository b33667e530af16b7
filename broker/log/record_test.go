package log

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestParseRecord(t *testing.T) {
	full := kmsg.Record{Attributes: 0, TimestampDelta64: -7, OffsetDelta: 3, Key: []byte("key"), Value: []byte("value"),
		Headers: []kmsg.Header{{Key: "h", Value: []byte("v")}, {Key: "n", Value: nil}}}
	b := encodeRecord(full)
	r, n, err := parseRecord(append(b, 0xAA)) // a following byte is not read
	if err != nil || n != len(b) {
		t.Fatalf("parse: n %d of %d, %v", n, len(b), err)
	}
	if r.tsDelta != -7 || r.offsetDelta != 3 || string(r.key) != "key" || r.nullValue {
		t.Fatalf("parsed %+v", r)
	}
	tomb, _, err := parseRecord(encodeRecord(kmsg.Record{Key: []byte{}}))
	if err != nil || tomb.key == nil || len(tomb.key) != 0 || !tomb.nullValue {
		t.Fatalf("an empty key and null value: %+v %v", tomb, err)
	}
	keyless, _, err := parseRecord(encodeRecord(kmsg.Record{Value: []byte("v")}))
	if err != nil || keyless.key != nil {
		t.Fatalf("a null key: %+v %v", keyless, err)
	}
	// Re-based, the record decodes with kmsg to the same fields.
	var back kmsg.Record
	if err := back.ReadFrom(appendRebased(nil, &r, 1234)); err != nil {
		t.Fatal(err)
	}
	if back.TimestampDelta64 != 1234 || back.OffsetDelta != 3 || string(back.Value) != "value" || len(back.Headers) != 2 || back.Headers[1].Value != nil {
		t.Fatalf("re-based record %+v", back)
	}
	// Every truncation and a few corruptions are errors, never panics.
	for i := range len(b) {
		if _, _, err := parseRecord(b[:i]); !errors.Is(err, ErrCorruptBatch) {
			t.Fatalf("a record cut to %d of %d bytes parsed: %v", i, len(b), err)
		}
	}
	for _, bad := range [][]byte{
		{0x00},                         // length 0
		{0x02, 0x00, 0x00},             // ends before the offset delta
		{0x0c, 0, 0, 0, 0x13, 1, 2, 3}, // key length -10
		append([]byte{byte(2 * (len(b) - 1 + 2))}, append(b[1:], 0, 0)...), // bytes after the headers
	} {
		if _, _, err := parseRecord(bad); !errors.Is(err, ErrCorruptBatch) {
			t.Fatalf("parsed %x: %v", bad, err)
		}
	}
}
