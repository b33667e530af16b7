package broker

import (
	"context"
	"path/filepath"

	"github.com/spate-io/spate/broker/cluster"
)

// controlPlane is what the broker needs of the cluster metadata. A broker
// running alone uses *cluster.Local (the State in a file); a cluster member
// uses *cluster.Controller (the State through raft). Everything above it,
// from Metadata responses to replication, is the same code either way.
type controlPlane interface {
	// Watch returns the latest metadata and a channel closed when newer
	// metadata is published.
	Watch() (*cluster.State, <-chan struct{})
	// Metadata returns the latest metadata; it must not be modified.
	Metadata() *cluster.State
	// Apply changes the metadata (on the controller, forwarding if need be).
	Apply(ctx context.Context, cmd cluster.Command) (*cluster.Result, error)
	// ControllerID is the controller's broker id, -1 if none is known.
	ControllerID() int32
	// Reachable reports whether failure detection has not declared a
	// broker dead (known without a controller).
	Reachable(id int32) bool
	// WaitReady waits until this run of the broker is registered, unfenced
	// and may lead partitions.
	WaitReady(ctx context.Context) error
	Close() error
}

// crasher is a control plane that can stop as a crash would (no goodbyes).
type crasher interface{ Crash() error }

// startControlPlane opens the broker's metadata: a Local one when the
// broker runs alone, else a raft and gossip cluster member.
func startControlPlane(cfg Config, kafkaAddr string) (controlPlane, error) {
	dir := filepath.Join(cfg.DataDir, "cluster")
	if !cfg.clustered() {
		return cluster.OpenLocal(cluster.LocalConfig{NodeID: cfg.NodeID, DataDir: dir, KafkaAddr: kafkaAddr, Rack: cfg.Cluster.Rack})
	}
	cc := cfg.Cluster
	return cluster.Start(cluster.Config{
		NodeID: cfg.NodeID, DataDir: dir, KafkaAddr: kafkaAddr, Rack: cc.Rack,
		NonVoter: cc.Controller == ControllerNever, AutoVoter: cc.Controller == ControllerAuto,
		RaftAddr: cc.RaftAddr, GossipAddr: cc.GossipAddr, Seeds: cc.Seeds, Timing: cc.Timing,
		DisableAutoLeaderRebalance: cc.DisableAutoLeaderRebalance,
		LeaderImbalancePercentage:  cc.LeaderImbalancePercentage, LeaderImbalanceCheckInterval: cc.LeaderImbalanceCheckInterval,
		Logger: cfg.Logger,
	})
}
