package broker

import (
	"maps"
	"testing"

	"github.com/spate-io/spate/broker/cluster"
)

func TestHWCheckpointRoundTrip(t *testing.T) {
	hws := map[cluster.TopicPartition]int64{{Topic: "clicks", Partition: 3}: 42, {Topic: "__consumer_offsets", Partition: 0}: 7, {Topic: "a-b.c", Partition: 10}: 0}
	data := encodeHWCheckpoint(hws)
	if want := "0\n3\n__consumer_offsets 0 7\na-b.c 10 0\nclicks 3 42\n"; string(data) != want {
		t.Fatalf("encoded %q, want %q", data, want)
	}
	got, err := decodeHWCheckpoint(data)
	if err != nil || !maps.Equal(got, hws) {
		t.Fatalf("decoded %v %v", got, err)
	}
	for _, bad := range []string{"", "1\n0\n", "0\nx\n", "0\n2\nclicks 3 42\n", "0\n1\nclicks 3\n", "0\n1\nclicks -1 4\n", "0\n1\nbad/name 1 4\n", "0\n1\nclicks 1 -4\n"} {
		if _, err := decodeHWCheckpoint([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzHWCheckpoint: any file decodes to an error or to entries that encode
// back to a file decoding to the same entries; never a panic.
func FuzzHWCheckpoint(f *testing.F) {
	f.Add([]byte("0\n2\nclicks 0 10\n__consumer_offsets 3 0\n"))
	f.Add([]byte("0\n1\nx 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		hws, err := decodeHWCheckpoint(data)
		if err != nil {
			return
		}
		again, err := decodeHWCheckpoint(encodeHWCheckpoint(hws))
		if err != nil || !maps.Equal(again, hws) {
			t.Fatalf("round trip of %v: %v %v", hws, again, err)
		}
	})
}
