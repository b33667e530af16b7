package cmd

import (
	"fmt"
	"time"

	"github.com/spate-io/spate/broker"
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
}

func (f *brokerFlags) register(c *cobra.Command, defaultData string) {
	c.Flags().Int32Var(&f.id, "id", 1, "broker node id")
	c.Flags().StringVar(&f.data, "data", defaultData, "data folder (partition logs, metadata)")
	c.Flags().StringVar(&f.listen, "listen", broker.DefaultListen, "TCP address to serve Kafka clients on")
	c.Flags().StringVar(&f.advertise, "advertise", "", "host:port given to clients in metadata (default: the listen address)")
	c.Flags().Int32Var(&f.partitions, "partitions", 1, "partition count of auto-created topics")
	c.Flags().BoolVar(&f.noAutoTopic, "no-auto-create", false, "refuse produce/metadata for topics that do not exist")
	c.Flags().DurationVar(&f.joinDelay, "group-initial-rebalance-delay", 3*time.Second, "wait this long for more members before a new group's first rebalance")
}

func (f *brokerFlags) config() broker.Config {
	delay := f.joinDelay
	if delay == 0 {
		delay = -1 // Config's zero means the default; 0 here means none
	}
	return broker.Config{
		NodeID: f.id, DataDir: f.data, Listen: f.listen, AdvertisedAddr: f.advertise,
		DefaultPartitions: f.partitions, DisableAutoCreate: f.noAutoTopic,
		GroupInitialRebalanceDelay: delay,
	}
}

func init() {
	var f brokerFlags
	c := &cobra.Command{
		Use:   "broker",
		Short: "run a Kafka-protocol broker node",
		Long: "Runs one broker: any Kafka client can produce to and consume from it.\n" +
			"Stop it with Ctrl-C (SIGINT) or SIGTERM; it closes its logs cleanly.",
		Example: "  spate broker --id 1 --data /var/lib/spate --listen 127.0.0.1:9092",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.data == "" {
				return fmt.Errorf("--data is required: the folder for the partition logs")
			}
			b, err := startBroker(f.config())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "spate broker %d serving on %s (data in %s)\n", f.id, b.Addr(), f.data)
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
