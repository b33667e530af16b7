package broker

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// requestHeader is the Kafka request header (v1/v2) in front of every body.
type requestHeader struct {
	key      int16
	version  int16
	corr     int32
	clientID string
}

// errUnsupported marks a request whose key or version this broker does not
// implement. Kafka closes the connection for those (except ApiVersions,
// which answers UNSUPPORTED_VERSION so the client can retry lower).
var errUnsupported = errors.New("broker: unsupported request")

// decodeRequest parses one request frame (without its 4-byte size) into its
// header and kmsg request. It never panics on bad input: a short or
// malformed frame is an error, and the caller closes the connection.
func decodeRequest(frame []byte) (requestHeader, kmsg.Request, error) {
	var h requestHeader
	if len(frame) < 8 {
		return h, nil, fmt.Errorf("broker: request frame of %d bytes is shorter than a request header", len(frame))
	}
	r := kbin.Reader{Src: frame}
	h.key = r.Int16()
	h.version = r.Int16()
	h.corr = r.Int32()
	if cid := r.NullableString(); cid != nil {
		h.clientID = *cid
	}
	if err := r.Complete(); err != nil {
		return h, nil, fmt.Errorf("broker: malformed request header: %v", err)
	}
	if !supported(h.key, h.version) {
		return h, nil, fmt.Errorf("%w: key %d (%s) version %d", errUnsupported, h.key, kmsg.NameForKey(h.key), h.version)
	}
	req := kmsg.RequestForKey(h.key)
	req.SetVersion(h.version)
	if req.IsFlexible() {
		kmsg.SkipTags(&r)
		if err := r.Complete(); err != nil {
			return h, nil, fmt.Errorf("broker: malformed request header tags: %v", err)
		}
	}
	if err := req.ReadFrom(r.Src); err != nil {
		return h, nil, fmt.Errorf("broker: malformed %s v%d request: %v", kmsg.NameForKey(h.key), h.version, err)
	}
	return h, req, nil
}

// appendResponse appends a whole response frame (size, correlation id,
// header tags, body) to dst.
func appendResponse(dst []byte, corr int32, resp kmsg.Response) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(corr))
	// ApiVersions responses always use header v0 so that a client that does
	// not yet know our versions can parse them (KIP-511).
	if resp.IsFlexible() && resp.Key() != kmsg.ApiVersions.Int16() {
		dst = append(dst, 0)
	}
	dst = resp.AppendTo(dst)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}
