package broker

import (
	"bufio"
	"encoding/binary"
	"io"

	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A Fetch response is written by hand rather than by kmsg so that the
// record batches go from the segment files to the socket with sendfile,
// never through the broker's memory: the encoder writes the response up to
// a partition's records (their length included), the connection's writer
// flushes that and hands the file ranges to ReadResult.WriteTo, then goes
// on. The encoding is kmsg's, byte for byte (fetch_frame_test.go checks
// every version against kmsg), for the fields the broker sets: it never
// sets the flexible versions' tagged fields (diverging epoch, current
// leader, snapshot id, node endpoints), which are written as absent.

// fetchResponse is a Fetch response whose partitions' records may be file
// ranges: files[t][p] is topic t's partition p's, nil where the partition
// has none (its RecordBatches, empty, is encoded instead).
type fetchResponse struct {
	*kmsg.FetchResponse
	files [][]*blog.ReadResult
}

// rawResponse is a response that writes its own frame to the connection.
type rawResponse interface {
	kmsg.Response
	// writeFrame writes the whole frame (size, correlation id, header,
	// body) to bw, flushing bw before writing to conn directly. buf is
	// scratch space, returned for reuse.
	writeFrame(bw *bufio.Writer, conn io.Writer, corr int32, buf []byte) ([]byte, error)
	// release frees what the response holds; call it once, written or not.
	release()
}

// splice marks where in the encoded bytes a file range goes.
type splice struct {
	at int
	r  *blog.ReadResult
}

// encode appends the frame to dst: the bytes, and where the file ranges
// go. The frame's size field counts them.
func (f *fetchResponse) encode(dst []byte, corr int32) ([]byte, []splice) {
	v := f.FetchResponse
	version, flex := v.Version, v.Version >= 12
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(corr))
	if flex {
		dst = append(dst, 0) // response header tags
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(v.ThrottleMillis))
	if version >= 7 {
		dst = binary.BigEndian.AppendUint16(dst, uint16(v.ErrorCode))
		dst = binary.BigEndian.AppendUint32(dst, uint32(v.SessionID))
	}
	var splices []splice
	var spliced int64
	dst = appendLen(dst, len(v.Topics), flex)
	for ti := range v.Topics {
		t := &v.Topics[ti]
		if version <= 12 {
			dst = appendFetchString(dst, t.Topic, flex)
		} else {
			dst = append(dst, t.TopicID[:]...)
		}
		dst = appendLen(dst, len(t.Partitions), flex)
		for pi := range t.Partitions {
			p := &t.Partitions[pi]
			dst = appendPartitionHeader(dst, p, version, flex)
			var r *blog.ReadResult
			if ti < len(f.files) && pi < len(f.files[ti]) {
				r = f.files[ti][pi]
			}
			switch {
			case r != nil:
				dst = appendBytesLen(dst, int(r.Size), false, flex)
				splices = append(splices, splice{at: len(dst), r: r})
				spliced += r.Size
			default:
				dst = appendBytesLen(dst, len(p.RecordBatches), p.RecordBatches == nil, flex)
				dst = append(dst, p.RecordBatches...)
			}
			if flex {
				dst = append(dst, 0) // partition tags
			}
		}
		if flex {
			dst = append(dst, 0) // topic tags
		}
	}
	if flex {
		dst = append(dst, 0) // response tags
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(int64(len(dst)-start-4)+spliced))
	return dst, splices
}

func appendPartitionHeader(dst []byte, p *kmsg.FetchResponseTopicPartition, version int16, flex bool) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(p.Partition))
	dst = binary.BigEndian.AppendUint16(dst, uint16(p.ErrorCode))
	dst = binary.BigEndian.AppendUint64(dst, uint64(p.HighWatermark))
	dst = binary.BigEndian.AppendUint64(dst, uint64(p.LastStableOffset)) // v4+
	if version >= 5 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(p.LogStartOffset))
	}
	dst = appendNullableLen(dst, len(p.AbortedTransactions), p.AbortedTransactions == nil, flex)
	for _, a := range p.AbortedTransactions {
		dst = binary.BigEndian.AppendUint64(dst, uint64(a.ProducerID))
		dst = binary.BigEndian.AppendUint64(dst, uint64(a.FirstOffset))
		if flex {
			dst = append(dst, 0)
		}
	}
	if version >= 11 {
		dst = binary.BigEndian.AppendUint32(dst, uint32(p.PreferredReadReplica))
	}
	return dst
}

// appendLen is an array length: compact (n+1 as uvarint) when flexible.
func appendLen(dst []byte, n int, flex bool) []byte {
	if flex {
		return kbin.AppendUvarint(dst, uint32(n+1))
	}
	return binary.BigEndian.AppendUint32(dst, uint32(n))
}

func appendNullableLen(dst []byte, n int, null, flex bool) []byte {
	switch {
	case null && flex:
		return append(dst, 0)
	case null:
		return binary.BigEndian.AppendUint32(dst, 0xffffffff)
	}
	return appendLen(dst, n, flex)
}

// appendBytesLen is a nullable bytes length.
func appendBytesLen(dst []byte, n int, null, flex bool) []byte {
	return appendNullableLen(dst, n, null, flex)
}

func appendFetchString(dst []byte, s string, flex bool) []byte {
	if flex {
		dst = kbin.AppendUvarint(dst, uint32(len(s)+1))
	} else {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(s)))
	}
	return append(dst, s...)
}

// writeFrame writes the frame, the file ranges with sendfile when conn is
// a TCP connection.
func (f *fetchResponse) writeFrame(bw *bufio.Writer, conn io.Writer, corr int32, buf []byte) ([]byte, error) {
	buf, splices := f.encode(buf[:0], corr)
	from := 0
	for _, s := range splices {
		if _, err := bw.Write(buf[from:s.at]); err != nil {
			return buf, err
		}
		if err := bw.Flush(); err != nil {
			return buf, err
		}
		if _, err := s.r.WriteTo(conn); err != nil {
			return buf, err
		}
		from = s.at
	}
	_, err := bw.Write(buf[from:])
	return buf, err
}

// release closes the file ranges.
func (f *fetchResponse) release() {
	for _, ps := range f.files {
		for _, r := range ps {
			if r != nil {
				r.Close()
			}
		}
	}
	f.files = nil
}

// materialize copies the file ranges into the partitions' RecordBatches
// and releases them, for callers that need a plain kmsg response.
func (f *fetchResponse) materialize() (*kmsg.FetchResponse, error) {
	defer f.release()
	for ti, ps := range f.files {
		for pi, r := range ps {
			if r == nil {
				continue
			}
			b, err := r.Bytes()
			if err != nil {
				return nil, err
			}
			f.Topics[ti].Partitions[pi].RecordBatches = b
		}
	}
	return f.FetchResponse, nil
}
