package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ApiVersions v0-4.
// Advertises exactly the registered APIs and versions. A version above ours
// is answered in v0 with UNSUPPORTED_VERSION and our range (KIP-511), so the
// client retries with a version we speak.

func init() { register(18, 0, 4, false, (*Broker).handleApiVersions) }

func (b *Broker) handleApiVersions(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ApiVersionsRequest)
	resp := req.ResponseKind().(*kmsg.ApiVersionsResponse)
	resp.ApiKeys = apiKeys()
	return resp, nil
}

// handleApiVersionsUnsupported answers an ApiVersions request whose version
// we cannot decode.
func (b *Broker) handleApiVersionsUnsupported(*reqCtx) (kmsg.Response, error) {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = 0
	resp.ErrorCode = kerr.UnsupportedVersion.Code
	a := apis[18]
	k := kmsg.NewApiVersionsResponseApiKey()
	k.ApiKey, k.MinVersion, k.MaxVersion = 18, a.min, a.max
	resp.ApiKeys = []kmsg.ApiVersionsResponseApiKey{k}
	return resp, nil
}
