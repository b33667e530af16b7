package broker_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"net"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// rawFrame is a request frame: size, key, version, correlation id, client id, body.
func rawFrame(key, version int16, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(key))
	b = binary.BigEndian.AppendUint16(b, uint16(version))
	b = binary.BigEndian.AppendUint32(b, 7)
	b = binary.BigEndian.AppendUint16(b, 4)
	b = append(b, "test"...)
	b = append(b, body...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// expectClosed sends frame and checks that the broker closes the connection.
func expectClosed(t *testing.T, addr string, frame []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(frame)
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("want the broker to close the connection, got %v", err)
	}
}

func TestBadFramesCloseOnlyTheirConnection(t *testing.T) {
	addr := brokertest.Start(t, func(c *broker.Config) { c.MaxRequestBytes = 1 << 20 })
	huge := binary.BigEndian.AppendUint32(nil, 2<<20)
	expectClosed(t, addr, huge)                                                   // over socket.request.max.bytes
	expectClosed(t, addr, rawFrame(999, 0, nil))                                  // unknown API key
	expectClosed(t, addr, rawFrame(3, 99, nil))                                   // unknown Metadata version
	expectClosed(t, addr, rawFrame(0, 3, []byte{0xff, 0xff, 0, 1}))               // truncated Produce
	expectClosed(t, addr, append(binary.BigEndian.AppendUint32(nil, 3), 1, 2, 3)) // shorter than a header

	// ApiVersions at a version we do not speak answers v0 UNSUPPORTED_VERSION.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(rawFrame(18, 99, nil))
	var size [4]byte
	if _, err := io.ReadFull(c, size[:]); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	io.ReadFull(c, body)
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = 0
	if err := resp.ReadFrom(body[4:]); err != nil || resp.ErrorCode != kerr.UnsupportedVersion.Code || len(resp.ApiKeys) != 1 {
		t.Fatalf("ApiVersions v99: %v %+v", err, resp)
	}

	// The broker still serves well-behaved clients.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := newClient(t, addr, kgo.DefaultProduceTopic("still-ok"), kgo.AllowAutoTopicCreation())
	if err := cl.ProduceSync(ctx, kgo.StringRecord("x")).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// batch builds one valid uncompressed record batch with a single record.
func batch(value string) []byte {
	rec := kmsg.Record{Value: []byte(value)}
	body := rec.AppendTo(nil)[1:]
	recs := binary.AppendVarint(nil, int64(len(body)))
	recs = append(recs, body...)
	rb := kmsg.RecordBatch{PartitionLeaderEpoch: -1, Magic: 2, ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1, NumRecords: 1, Records: recs}
	out := rb.AppendTo(nil)
	binary.BigEndian.PutUint32(out[8:], uint32(len(out)-12))
	binary.BigEndian.PutUint32(out[17:], crc32.Checksum(out[21:], crc32.MakeTable(crc32.Castagnoli)))
	return out
}

func produceRaw(t *testing.T, cl *kgo.Client, topic string, records []byte) kmsg.ProduceResponseTopicPartition {
	t.Helper()
	req := kmsg.NewPtrProduceRequest()
	req.Acks, req.TimeoutMillis = -1, 5000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Records = records
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Topics[0].Partitions[0]
}

func TestBadRecordsGetKafkaErrors(t *testing.T) {
	addr := brokertest.Start(t, func(c *broker.Config) { c.DisableAutoCreate = true })
	// Produce v9: topics by name (v13+ names them by id).
	cl := newClient(t, addr, kgo.MaxVersions(kversion.V3_0_0()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := kmsgCreateTopic(ctx, cl, "t"); err != nil {
		t.Fatal(err)
	}
	badCRC := batch("x")
	badCRC[len(badCRC)-1] ^= 0xff
	oldMagic := batch("x")
	oldMagic[16] = 1
	short := batch("x")[:40]
	for _, tc := range []struct {
		name    string
		topic   string
		records []byte
		want    *kerr.Error
	}{
		{"valid", "t", batch("good"), nil},
		{"bad crc", "t", badCRC, kerr.CorruptMessage},
		{"magic 1", "t", oldMagic, kerr.UnsupportedForMessageFormat},
		{"truncated", "t", short, kerr.CorruptMessage},
		{"valid then garbage", "t", append(batch("y"), 1, 2, 3), kerr.CorruptMessage},
		{"unknown topic", "nope", batch("x"), kerr.UnknownTopicOrPartition},
		{"internal topic", "__consumer_offsets", batch("x"), kerr.InvalidTopicException},
	} {
		sp := produceRaw(t, cl, tc.topic, tc.records)
		if got := kerr.ErrorForCode(sp.ErrorCode); !errors.Is(got, tc.want) && !(got == nil && tc.want == nil) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// Only the valid batch is in the log.
	c := newClient(t, addr, kgo.ConsumeTopics("t"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	fs := c.PollFetches(ctx)
	if err := fs.Err0(); err != nil {
		t.Fatal(err)
	}
	var vals []string
	fs.EachRecord(func(r *kgo.Record) { vals = append(vals, string(r.Value)) })
	if len(vals) != 1 || vals[0] != "good" {
		t.Fatalf("log holds %q, want just the valid record", vals)
	}
}

func kmsgCreateTopic(ctx context.Context, cl *kgo.Client, name string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = name, 1, 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	return kerr.ErrorForCode(resp.Topics[0].ErrorCode)
}
