package kafka

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary plan JSON to the source decoder: it must
// return a source or an error, never panic, and a source it accepts must
// survive another round trip unchanged.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"subscribe":["a"]}`,
		`{"subscribePattern":"ev-.*","startingTimestamp":1700000000000,"startingOffsetsByTimestampStrategy":"latest"}`,
		`{"assign":{"a":[0,3]},"startingOffsets":"{\"a\":{\"0\":-2,\"3\":5}}","failOnDataLoss":false}`,
		`{"subscribe":["a"],"maxOffsetsPerTrigger":10,"minOffsetsPerTrigger":5,"maxTriggerDelay":"15m","minPartitions":4}`,
		`{"subscribe":["a"],"startingOffsetsByTimestamp":{"a":{"0":1}},"pollTimeout":30000000000}`,
		`{"subscribe":[""],"brokers":["x"]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Decode(data)
		if err != nil {
			return
		}
		js, err := json.Marshal(src.Options())
		if err != nil {
			t.Fatalf("accepted options do not marshal: %v", err)
		}
		back, err := Decode(js)
		if err != nil {
			t.Fatalf("accepted options %s do not decode again: %v", js, err)
		}
		if !reflect.DeepEqual(back.Options(), src.Options()) {
			t.Fatalf("round trip changed %s", js)
		}
	})
}

// FuzzParseStartOffsets checks that any startingOffsets text parses or is
// refused with an error, never a panic.
func FuzzParseStartOffsets(f *testing.F) {
	for _, seed := range []string{"earliest", "latest", `{"t":{"0":23,"1":-2}}`, `{"t":{"x":1}}`, `{}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := parseStartOffsets(spec)
		if err == nil && got.kind == startSpecific && len(got.specific) == 0 {
			t.Fatalf("%q parsed to specific offsets naming no partition", spec)
		}
	})
}
