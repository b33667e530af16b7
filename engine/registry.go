package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Connectors register by kind so that a plan read back from JSON finds its
// sources and sinks again (benthos' MustRegisterBatchInput pattern). Each
// connector package registers itself in an init function; a program that
// runs plans imports the connector packages it supports.
var registry = struct {
	sync.RWMutex
	sources map[string]SourceDecoder
	sinks   map[string]SinkDecoder
}{sources: map[string]SourceDecoder{}, sinks: map[string]SinkDecoder{}}

// RegisterSource makes a source kind known to plan decoding. It panics on a
// duplicate kind: that is a programming error found at start-up.
func RegisterSource(kind string, decode SourceDecoder) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.sources[kind]; dup {
		panic(fmt.Sprintf("engine: source kind %q registered twice", kind))
	}
	registry.sources[kind] = decode
}

// RegisterSink makes a sink kind known to plan decoding. It panics on a
// duplicate kind.
func RegisterSink(kind string, decode SinkDecoder) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.sinks[kind]; dup {
		panic(fmt.Sprintf("engine: sink kind %q registered twice", kind))
	}
	registry.sinks[kind] = decode
}

// DecodeSource rebuilds a source of the given kind from its options JSON.
func DecodeSource(kind string, options json.RawMessage) (Source, error) {
	registry.RLock()
	decode, ok := registry.sources[kind]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("engine: unknown source kind %q (known: %s); is its package imported?", kind, strings.Join(SourceKinds(), ", "))
	}
	src, err := decode(options)
	if err != nil {
		return nil, fmt.Errorf("engine: source %s: %w", kind, err)
	}
	return src, nil
}

// DecodeSink rebuilds a sink of the given kind from its options JSON.
func DecodeSink(kind string, options json.RawMessage) (Sink, error) {
	registry.RLock()
	decode, ok := registry.sinks[kind]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("engine: unknown sink kind %q (known: %s); is its package imported?", kind, strings.Join(SinkKinds(), ", "))
	}
	snk, err := decode(options)
	if err != nil {
		return nil, fmt.Errorf("engine: sink %s: %w", kind, err)
	}
	return snk, nil
}

// SourceKinds lists the registered source kinds, sorted.
func SourceKinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Sorted(maps.Keys(registry.sources))
}

// SinkKinds lists the registered sink kinds, sorted.
func SinkKinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Sorted(maps.Keys(registry.sinks))
}
