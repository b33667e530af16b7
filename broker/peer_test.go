package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// FuzzPeerResponse feeds arbitrary frames to the decoder of the responses
// a follower reads from its leader: an error or a response, never a panic.
func FuzzPeerResponse(f *testing.F) {
	fetch := kmsg.NewPtrFetchRequest()
	fetch.Version = 12
	epochs := kmsg.NewPtrOffsetForLeaderEpochRequest()
	epochs.Version = 4
	fr := &fetchResponse{FetchResponse: kmsg.NewPtrFetchResponse()}
	fr.Version = 12
	fr.Topics = []kmsg.FetchResponseTopic{{Topic: "t", Partitions: []kmsg.FetchResponseTopicPartition{{Partition: 0, HighWatermark: 5, RecordBatches: []byte{}}}}}
	frame, _ := fr.encode(nil, 7)
	f.Add(frame[4:], true)
	f.Add([]byte{0, 0, 0, 7, 0}, false)
	f.Fuzz(func(t *testing.T, frame []byte, isFetch bool) {
		var req kmsg.Request = epochs
		if isFetch {
			req = fetch
		}
		resp, err := decodeResponse(frame, 7, req)
		if err == nil && resp == nil {
			t.Fatal("no response and no error")
		}
	})
}
