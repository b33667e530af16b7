package broker

import (
	"sort"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// handler answers one decoded request. A nil response with a nil error
// sends nothing (acks=0 produce); an error closes the connection.
type handler func(b *Broker, cx *reqCtx) (kmsg.Response, error)

// api is one implemented Kafka API: the versions whose semantics are
// implemented, and whether its handler may wait (and so runs on its own
// goroutine, leaving the connection's later requests to proceed).
type api struct {
	min, max int16
	fn       handler
	async    bool
}

var apis = map[int16]api{}

// register adds an API from its file's init. max is capped at what kmsg
// can decode, so ApiVersions never advertises a version we cannot parse.
func register(key, min, max int16, async bool, fn handler) {
	if req := kmsg.RequestForKey(key); req != nil && req.MaxVersion() < max {
		max = req.MaxVersion()
	}
	apis[key] = api{min: min, max: max, fn: fn, async: async}
}

func supported(key, version int16) bool {
	a, ok := apis[key]
	return ok && version >= a.min && version <= a.max
}

// apiKeys lists the implemented APIs for ApiVersions, sorted by key.
func apiKeys() []kmsg.ApiVersionsResponseApiKey {
	keys := make([]kmsg.ApiVersionsResponseApiKey, 0, len(apis))
	for k, a := range apis {
		v := kmsg.NewApiVersionsResponseApiKey()
		v.ApiKey, v.MinVersion, v.MaxVersion = k, a.min, a.max
		keys = append(keys, v)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].ApiKey < keys[j].ApiKey })
	return keys
}
