package cmd

import (
	"fmt"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/cluster"
	"github.com/spf13/cobra"
)

// brokerFlags are the flags of `spate broker` and the broker part of `spate dev`.
type brokerFlags struct {
	id          int32
	data        string
	listen      string
	advertise   string
	partitions  int32
	noAutoTopic bool
	joinDelay   time.Duration

	gossip         string
	join           []string
	raft           string
	controller     controllerFlag
	rack           string
	replication    int16
	offsetsRF      int16
	minISR         int
	lagTimeMax     time.Duration
	fetchWaitMax   time.Duration
	timing         string
	noRebalance    bool
	imbalanceCheck time.Duration
	imbalancePct   int
}

func (f *brokerFlags) register(c *cobra.Command, defaultData string) {
	fl := c.Flags()
	fl.Int32Var(&f.id, "id", 1, "broker node id, unique in the cluster")
	fl.StringVar(&f.data, "data", defaultData, "data folder (partition logs, metadata)")
	fl.StringVar(&f.listen, "listen", broker.DefaultListen, "TCP address to serve Kafka clients on")
	fl.StringVar(&f.advertise, "advertise", "", "host:port given to clients in metadata (default: the listen address)")
	fl.Int32Var(&f.partitions, "partitions", 1, "partition count of auto-created topics (num.partitions)")
	fl.BoolVar(&f.noAutoTopic, "no-auto-create", false, "refuse produce/metadata for topics that do not exist")
	fl.DurationVar(&f.joinDelay, "group-initial-rebalance-delay", 3*time.Second, "wait this long for more members before a new group's first rebalance")

	fl.StringVar(&f.gossip, "gossip", "", "memberlist address HOST:PORT (TCP and UDP); with it or --join the broker is a cluster member")
	fl.StringSliceVar(&f.join, "join", nil, "gossip address(es) of running members to join, HOST:PORT[,...] (none on the first broker)")
	fl.StringVar(&f.raft, "raft", "", "raft address HOST:PORT (default: the gossip host, any free port)")
	fl.Var(&f.controller, "controller", "controller-eligible (a raft voter); --controller=false never; unset: the first three brokers to join are")
	fl.Lookup("controller").NoOptDefVal = "true"
	fl.StringVar(&f.rack, "rack", "", "the broker's rack, for rack-aware replica placement (broker.rack)")
	fl.Int16Var(&f.replication, "replication-factor", 1, "replication factor of auto-created topics and of topics created with -1 (default.replication.factor)")
	fl.Int16Var(&f.offsetsRF, "offsets-replication-factor", 3, "replication factor of __consumer_offsets; groups wait until this many brokers are alive (1 when alone)")
	fl.IntVar(&f.minISR, "min-insync-replicas", 1, "min.insync.replicas of topics that do not set it: acks=all needs this many in-sync replicas")
	fl.DurationVar(&f.lagTimeMax, "replica-lag-time-max", cluster.DefaultReplicaLagTimeMax, "drop a follower from the ISR after it failed to catch up this long (replica.lag.time.max.ms)")
	fl.DurationVar(&f.fetchWaitMax, "replica-fetch-wait-max", 500*time.Millisecond, "how long a follower's fetch waits at the leader for data (replica.fetch.wait.max.ms)")
	fl.StringVar(&f.timing, "timing", "default", "failure detection: default (failover under 3 s) or fast (under 1 s on a quiet network; false alarms on a loaded host)")
	fl.BoolVar(&f.noRebalance, "no-leader-rebalance", false, "turn off the periodic preferred leader election (auto.leader.rebalance.enable=false)")
	fl.DurationVar(&f.imbalanceCheck, "leader-imbalance-check-interval", 300*time.Second, "how often the controller checks leader balance (leader.imbalance.check.interval.seconds)")
	fl.IntVar(&f.imbalancePct, "leader-imbalance-percentage", cluster.DefaultImbalancePercentage, "rebalance a broker's leaders above this share not led by it (leader.imbalance.per.broker.percentage)")
}

// controllerFlag is --controller: unset (auto), true or false.
type controllerFlag struct{ role broker.ControllerRole }

func (c *controllerFlag) String() string {
	return [...]string{"auto", "true", "false"}[c.role]
}

func (c *controllerFlag) Set(s string) error {
	switch s {
	case "auto":
		c.role = broker.ControllerAuto
	case "true", "1":
		c.role = broker.ControllerEligible
	case "false", "0":
		c.role = broker.ControllerNever
	default:
		return fmt.Errorf("--controller is true, false or auto, not %q", s)
	}
	return nil
}

func (c *controllerFlag) Type() string { return "bool" }

// config is the broker configuration the flags describe, validated.
func (f *brokerFlags) config() (broker.Config, error) {
	delay := f.joinDelay
	if delay == 0 {
		delay = -1 // Config's zero means the default; 0 here means none
	}
	cfg := broker.Config{
		NodeID: f.id, DataDir: f.data, Listen: f.listen, AdvertisedAddr: f.advertise,
		DefaultPartitions: f.partitions, DisableAutoCreate: f.noAutoTopic,
		GroupInitialRebalanceDelay: delay,
		DefaultReplicationFactor:   f.replication, OffsetsTopicReplicationFactor: f.offsetsRF, MinInsyncReplicas: f.minISR,
		ReplicaLagTimeMax: f.lagTimeMax, ReplicaFetchWaitMax: f.fetchWaitMax,
		Cluster: broker.ClusterConfig{
			GossipAddr: f.gossip, Seeds: f.join, RaftAddr: f.raft, Controller: f.controller.role, Rack: f.rack,
			DisableAutoLeaderRebalance: f.noRebalance, LeaderImbalanceCheckInterval: f.imbalanceCheck, LeaderImbalancePercentage: f.imbalancePct,
		},
	}
	switch f.timing {
	case "default", "":
		cfg.Cluster.Timing = cluster.DefaultTiming()
	case "fast":
		cfg.Cluster.Timing = cluster.FastTiming()
	default:
		cfg.Cluster.Timing = cluster.DefaultTiming()
		return cfg, fmt.Errorf("--timing is default or fast, not %q", f.timing)
	}
	return cfg, cfg.Validate()
}

func init() {
	var f brokerFlags
	c := &cobra.Command{
		Use:   "broker",
		Short: "run a Kafka-protocol broker node, alone or in a replicated cluster",
		Long: "Runs one broker: any Kafka client can produce to and consume from it.\n\n" +
			"Alone (no --gossip, no --join) it is its own controller and every partition has\n" +
			"one replica. With --gossip it is a cluster member: brokers find each other with\n" +
			"memberlist (--join names any member's gossip address), the first three to join\n" +
			"hold the metadata in a raft quorum, and partitions are replicated to\n" +
			"--replication-factor brokers with leaders, ISRs and leader epochs as in Kafka.\n\n" +
			"Stop it with Ctrl-C (SIGINT) or SIGTERM: it hands its leaderships over and closes\n" +
			"its logs cleanly.",
		Example: "  spate broker --id 1 --data /var/lib/spate --listen 127.0.0.1:9092\n\n" +
			"  # a 3-broker cluster on one host\n" +
			"  spate broker --id 1 --data d1 --listen 127.0.0.1:9092 --gossip 127.0.0.1:7946 --replication-factor 3\n" +
			"  spate broker --id 2 --data d2 --listen 127.0.0.1:9093 --gossip 127.0.0.1:7947 --join 127.0.0.1:7946 --replication-factor 3\n" +
			"  spate broker --id 3 --data d3 --listen 127.0.0.1:9094 --gossip 127.0.0.1:7948 --join 127.0.0.1:7946 --replication-factor 3",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.data == "" {
				return fmt.Errorf("--data is required: the folder for the partition logs")
			}
			cfg, err := f.config()
			if err != nil {
				return err
			}
			b, err := startBroker(cfg)
			if err != nil {
				return err
			}
			out := c.ErrOrStderr()
			if g := b.GossipAddr(); g != "" {
				fmt.Fprintf(out, "spate broker %d serving on %s (data in %s), gossip on %s\n", f.id, b.Addr(), f.data, g)
				go func() {
					if b.WaitReady(c.Context()) == nil {
						fmt.Fprintf(out, "spate broker %d ready (controller %d)\n", f.id, b.ControllerID())
					}
				}()
			} else {
				fmt.Fprintf(out, "spate broker %d serving on %s (data in %s)\n", f.id, b.Addr(), f.data)
			}
			<-c.Context().Done()
			return b.Close()
		},
	}
	f.register(c, "")
	addCommand(c)
}

func startBroker(cfg broker.Config) (*broker.Broker, error) {
	b, err := broker.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := b.Start(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}
