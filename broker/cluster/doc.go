// Package cluster is the broker cluster's control plane: the replicated
// metadata (brokers, topics, partition replicas, leaders, epochs, ISRs),
// the controller decisions over it, the leader-side ISR and high-watermark
// tracker, and the raft and memberlist wiring that keeps every broker's copy
// of the metadata the same.
//
// The hard parts are pure and table-tested, in the manner of etcd raft:
//
//   - State and Command: the metadata state machine. State.Apply(cmd) is
//     deterministic, so every node that applies the same log holds the same
//     State; EncodeState/DecodeState snapshot it.
//   - AssignReplicas, ImbalancedPartitions and the leader election inside
//     Apply: Kafka's controller logic (round-robin rack-aware assignment,
//     clean election from the ISR, preferred-leader rebalance, KIP-455
//     reassignment).
//   - Tracker: what a partition leader runs on its produce and fetch paths
//     (high watermark, ISR shrink and expand, acks=all, min.insync.replicas),
//     driven by the time passed in.
package cluster
