package kafka

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/engine"
)

func TestValidate(t *testing.T) {
	bothSet := Subscribe("a")
	bothSet.opts.Assign = map[string][]int32{"b": {0}}
	cases := []struct {
		name string
		src  *Source
		err  string // "" when valid
	}{
		{"subscribe", Subscribe("a", "b.c_d-9"), ""},
		{"pattern", SubscribePattern(`ev-\d+`), ""},
		{"assign", Assign(map[string][]int32{"a": {0, 2}}), ""},
		{"everything", Subscribe("a").Brokers("h1:9092", "[::1]:9093").StartingOffsets(Earliest).MaxOffsetsPerTrigger(10).MinOffsetsPerTrigger(5).MaxTriggerDelay(time.Minute).MinPartitions(3).FailOnDataLoss(false).IncludeHeaders(true).GroupID("g").ClientID("c").RequestTimeout(time.Second).PollTimeout(time.Minute), ""},
		{"no topics", Subscribe(), "no topics to read"},
		{"subscribe and assign", bothSet, "Subscribe and Assign are both set"},
		{"bad regex", SubscribePattern(`ev-(`), "SubscribePattern \"ev-(\" is not a valid regular expression"},
		{"bad topic name", Subscribe("a b"), `"a b" is not a valid topic name`},
		{"empty topic name", Subscribe(""), `"" is not a valid topic name`},
		{"topic twice", Subscribe("a", "a"), "topic a is subscribed twice"},
		{"assign without partitions", Assign(map[string][]int32{"a": {}}), "Assign lists topic a without partitions"},
		{"assign negative partition", Assign(map[string][]int32{"a": {-1}}), "partition -1 of topic a"},
		{"assign partition twice", Assign(map[string][]int32{"a": {1, 1}}), "partition 1 of topic a twice"},
		{"bad broker", Subscribe("a").Brokers("localhost"), `broker address "localhost" is not host:port`},
		{"negative max offsets", Subscribe("a").MaxOffsetsPerTrigger(-1), "MaxOffsetsPerTrigger is negative"},
		{"negative min offsets", Subscribe("a").MinOffsetsPerTrigger(-5), "MinOffsetsPerTrigger is negative"},
		{"negative delay", Subscribe("a").MaxTriggerDelay(-time.Second), "MaxTriggerDelay is negative"},
		{"negative min partitions", Subscribe("a").MinPartitions(-2), "MinPartitions is negative"},
		{"negative poll timeout", Subscribe("a").PollTimeout(-time.Second), "PollTimeout is negative"},
		{"min above max", Subscribe("a").MaxOffsetsPerTrigger(10).MinOffsetsPerTrigger(11), "MinOffsetsPerTrigger 11 is above MaxOffsetsPerTrigger 10"},
		{"bad starting offsets", Subscribe("a").StartingOffsets("newest"), `startingOffsets "newest" is not "earliest", "latest" or offsets JSON`},
		{"bad offsets json", Subscribe("a").StartingOffsets(OffsetsJSON(`{"a":{"x":1}}`)), `partition "x" of topic a is not a partition number`},
		{"offset below -2", Subscribe("a").StartingOffsets(OffsetsJSON(`{"a":{"0":-3}}`)), "offset -3 of a-0 is invalid"},
		{"json not matching assign", Assign(map[string][]int32{"a": {0, 1}}).StartingOffsets(OffsetsJSON(`{"a":{"0":1}}`)), "lacks a-1"},
		{"two starts", Subscribe("a").StartingOffsets(Earliest).StartingTimestamp(time.UnixMilli(5)), "StartingOffsets and StartingTimestamp are both set"},
		{"negative timestamp", Subscribe("a").StartingTimestamp(time.UnixMilli(-5)), "StartingTimestamp -5 is before 1970"},
		{"bad strategy", Subscribe("a").StartingTimestampStrategy("earliest"), `StartingTimestampStrategy "earliest" is not "error" or "latest"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.src.Validate()
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("err %v, want %q", err, c.err)
			case err != nil && !strings.HasPrefix(err.Error(), "kafka: "):
				t.Fatalf("error lacks the package prefix: %v", err)
			}
		})
	}
}

func TestBuilderDoesNotChangeItsReceiver(t *testing.T) {
	base := Subscribe("a")
	_ = base.Brokers("h:1").MaxOffsetsPerTrigger(5).GroupID("g")
	assign := map[string][]int32{"a": {0}}
	src := Assign(assign)
	assign["a"][0] = 9
	if base.opts.MaxOffsetsPerTrigger != 0 || len(base.opts.Brokers) != 0 || base.opts.GroupID != "" {
		t.Fatalf("base changed: %+v", base.opts)
	}
	if src.opts.Assign["a"][0] != 0 {
		t.Fatal("Assign kept the caller's slice")
	}
}

func TestOptionsRoundTripThroughRegistry(t *testing.T) {
	srcs := []*Source{
		Subscribe("clicks", "views").Brokers("127.0.0.1:9092", "127.0.0.1:9093").
			StartingOffsets(OffsetsJSON(`{"clicks":{"0":23,"1":-2},"views":{"0":-1}}`)).
			MaxOffsetsPerTrigger(1000).MinOffsetsPerTrigger(10).MaxTriggerDelay(90 * time.Second).
			MinPartitions(12).FailOnDataLoss(false).IncludeHeaders(true).GroupID("g").ClientID("me").
			RequestTimeout(5 * time.Second).PollTimeout(time.Minute),
		SubscribePattern(`ev-.*`).StartingTimestamp(time.UnixMilli(1_700_000_000_000)).StartingTimestampStrategy(TimestampLatest),
		Assign(map[string][]int32{"a": {0, 3}}).StartingTimestamps(map[string]map[int32]time.Time{"a": {0: time.UnixMilli(1), 3: time.UnixMilli(2)}}),
		Subscribe("plain"),
	}
	for _, src := range srcs {
		js, err := json.Marshal(src.Options())
		if err != nil {
			t.Fatal(err)
		}
		back, err := engine.DecodeSource(Kind, js)
		if err != nil {
			t.Fatalf("decode %s: %v", js, err)
		}
		if !reflect.DeepEqual(back.Options(), src.Options()) {
			t.Fatalf("round trip changed the options:\n in %+v\nout %+v", src.Options(), back.Options())
		}
		again, _ := json.Marshal(back.Options())
		if string(again) != string(js) {
			t.Fatalf("JSON changed:\n%s\n%s", js, again)
		}
		if back.Kind() != "kafka" || back.Schema() != src.Schema() {
			t.Fatal("kind or schema changed")
		}
	}
}

func TestDecode(t *testing.T) {
	src, err := Decode(json.RawMessage(`{"subscribe":["a"],"maxTriggerDelay":"15m","pollTimeout":30000000000}`))
	if err != nil {
		t.Fatal(err)
	}
	if !src.opts.FailOnDataLoss {
		t.Fatal("failOnDataLoss should default to true when omitted")
	}
	if src.opts.MaxTriggerDelay != Duration(15*time.Minute) || src.opts.PollTimeout != Duration(30*time.Second) {
		t.Fatalf("durations %v %v", src.opts.MaxTriggerDelay, src.opts.PollTimeout)
	}
	for js, want := range map[string]string{
		`{"subscribe":["a"],"maxOffsetPerTrigger":5}`:  `unknown field "maxOffsetPerTrigger"`,
		`{"subscribe":["a"],"maxTriggerDelay":"soon"}`: `duration "soon" is not a Go duration`,
		`{"subscribe":["a"],"maxTriggerDelay":true}`:   "must be text",
		`{}`:  "no topics to read",
		`[1]`: "kafka: options [1]",
	} {
		_, err := engine.DecodeSource(Kind, json.RawMessage(js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", js, err, want)
		}
	}
}

func TestSchema(t *testing.T) {
	if Subscribe("a").Schema() != engine.KafkaSchema {
		t.Fatal("without headers the schema is engine.KafkaSchema")
	}
	if Subscribe("a").IncludeHeaders(true).Schema() != engine.KafkaSchemaWithHeaders {
		t.Fatal("with headers the schema is engine.KafkaSchemaWithHeaders")
	}
}
