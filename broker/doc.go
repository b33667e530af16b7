// Package broker is spate's embedded log broker: a TCP server that speaks the
// Kafka wire protocol, so that any Kafka client (franz-go, librdkafka, the
// Java client) produces to it and consumes from it unchanged. Brokers run
// alone or as a replicated cluster, the way Kafka runs with KRaft.
//
// Storage lives in broker/log, consumer groups in broker/group and the
// control plane (replicated metadata, controller, ISR tracker) in
// broker/cluster. The API handlers are one file per Kafka API, named by key
// (00_produce.go, 01_fetch.go, ...), each opening with the versions it
// implements; ApiVersions advertises exactly those.
//
// Each connection has a reader goroutine that decodes requests (kmsg) and
// handles them in order, and a writer goroutine that sends the responses
// strictly in request order. Handlers that wait (Fetch long polls,
// JoinGroup, SyncGroup, acks=all produce) finish on their own goroutine, so
// the requests behind them still proceed and other connections are never
// blocked; a produce appends in request order and only waits for
// replication beside later requests. Fetch responses are written by hand
// so that records go from the segment files to the socket with sendfile.
// A frame above Config.MaxRequestBytes, an unknown API key or version, or
// a malformed request closes the connection, as Kafka does.
//
// # Metadata and replication
//
// Every broker holds the cluster metadata (cluster.State: topics, replica
// assignments, leaders, leader epochs, ISRs, configs): a broker running
// alone keeps it in <DataDir>/cluster/metadata.json (cluster.Local), a
// cluster member through raft (cluster.Controller). Handlers answer from it
// and change it with commands; the replica manager (replicas.go) makes the
// local partitions follow it:
//
//   - a leader appends produced batches with its leader epoch and runs a
//     cluster.Tracker: followers' fetch offsets move the high watermark
//     (the smallest log end offset over the ISR), acks=all waits for it,
//     consumers read below it, followers that stop catching up for
//     ReplicaLagTimeMax leave the ISR and caught-up ones join it
//     (AlterPartition through the controller); acks=all is refused with
//     NOT_ENOUGH_REPLICAS while fewer than min.insync.replicas in-sync
//     replicas are reachable;
//   - a follower is fetched by one fetcher per leader (fetcher.go): Fetch
//     with its replica id, after truncating its log to the leader's
//     history for the new epoch (OffsetForLeaderEpoch, KIP-101/279);
//   - partitions a broker no longer holds are deleted.
//
// Group coordinators are the leaders of the __consumer_offsets partitions:
// a broker that becomes such a leader loads that partition's groups, and
// commits are replicated to the ISR before they are acknowledged.
//
// Layout of DataDir: logs/<topic>-<n>/ (broker/log, with a
// partition.metadata naming the topic id), cluster/ (metadata.json alone;
// raft.db and snapshots in a cluster), replication-offset-checkpoint (the
// high watermarks).
//
// # Usage
//
// Alone:
//
//	b, err := broker.New(broker.Config{DataDir: "/var/lib/spate", Listen: "127.0.0.1:0"})
//	if err != nil { ... }
//	if err := b.Start(); err != nil { ... }
//	defer b.Close()
//	cl, _ := kgo.NewClient(kgo.SeedBrokers(b.Addr()))
//
// In a cluster, each broker names its gossip address and the first one's:
//
//	b, err := broker.New(broker.Config{NodeID: 2, DataDir: "/var/lib/spate", Listen: "10.0.0.2:9092",
//		DefaultReplicationFactor: 3, MinInsyncReplicas: 2,
//		Cluster: broker.ClusterConfig{GossipAddr: "10.0.0.2:7946", Seeds: []string{"10.0.0.1:7946"}}})
//	...
//	err = b.WaitReady(ctx) // registered by the controller; leads what it should
//
// Tests use broker/brokertest: Start for one broker in a temporary folder,
// StartCluster for an in-process cluster with Kill, Stop and Restart.
package broker
