// Package broker is spate's embedded log broker: a TCP server that speaks the
// Kafka wire protocol, so that any Kafka client (franz-go, librdkafka, the
// Java client) produces to it and consumes from it unchanged.
//
// Storage lives in broker/log, consumer groups in broker/group. The API
// handlers are one file per Kafka API, named by key (00_produce.go,
// 01_fetch.go, ...), each opening with the versions it implements;
// ApiVersions advertises exactly those.
//
// Each connection has a reader goroutine that decodes requests (kmsg) and
// handles them in order, and a writer goroutine that sends the responses
// strictly in request order. Handlers that wait (Fetch long polls,
// JoinGroup, SyncGroup) finish on their own goroutine, so the requests
// behind them still proceed and other connections are never blocked.
// A frame above Config.MaxRequestBytes, an unknown API key or version, or a
// malformed request closes the connection, as Kafka does.
//
// Committed offsets are records of the internal topic __consumer_offsets
// (Kafka's format), written before the commit is acknowledged and read back
// at start-up. Topic ids, partition counts, config overrides and the
// producer-id block live in <DataDir>/meta.json; partitions in
// <DataDir>/logs/<topic>-<n>/.
//
// # Usage
//
//	b, err := broker.New(broker.Config{DataDir: "/var/lib/spate", Listen: "127.0.0.1:0"})
//	if err != nil { ... }
//	if err := b.Start(); err != nil { ... }
//	defer b.Close()
//	cl, _ := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
//
// Tests use broker/brokertest, which does the above in a temporary folder.
package broker
