// Package broker is spate's embedded log broker: a TCP server that speaks the
// Kafka wire protocol, so that any Kafka client (franz-go, librdkafka, the
// Java client) produces to it and consumes from it unchanged.
//
// Storage lives in broker/log, consumer groups in broker/group. The API
// handlers are one file per Kafka API, named by key (00_produce.go,
// 01_fetch.go, ...), each opening with the versions it implements.
package broker
