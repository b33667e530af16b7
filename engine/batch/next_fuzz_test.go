package batch

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzNext plans random inputs built from a seed and checks the planner's
// promises: no panic, tasks numbered 0..n-1 whose ranges tile each
// partition from where it may start to its end, the end within what is
// available, the cap respected.
func FuzzNext(f *testing.F) {
	for seed := uint64(0); seed < 200; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		in := randomInput(rand.New(rand.NewPCG(seed, seed>>1)))
		out, err := Next(in)
		if err != nil {
			return // random input may be refused, e.g. a new partition without an earliest offset
		}
		if err := checkOutput(in, out); err != nil {
			t.Fatalf("seed %d: %v\ninput %+v\noutput %+v", seed, err, in, out)
		}
	})
}

func randomInput(r *rand.Rand) PlanInput {
	in := PlanInput{BatchID: r.Int64N(1000), Mode: Mode(r.IntN(3)), Now: time.UnixMilli(r.Int64N(1e6) + 1e6)}
	if r.IntN(2) == 0 {
		in.LastBatch = in.Now.Add(-time.Duration(r.Int64N(int64(time.Hour))))
	}
	for range 1 + r.IntN(2) {
		s := SourceInput{Start: Offsets{}, Latest: Offsets{}, Earliest: Offsets{}}
		for p := range int32(1 + r.IntN(6)) {
			topic := fmt.Sprint("t", r.IntN(2))
			if r.IntN(6) > 0 {
				s.Start.Set(topic, p, r.Int64N(100))
			}
			if r.IntN(8) > 0 {
				s.Latest.Set(topic, p, r.Int64N(200))
			}
			if r.IntN(8) > 0 {
				s.Earliest.Set(topic, p, r.Int64N(60))
			}
		}
		if in.Mode == ModeAvailableNow || in.Mode == ModeOnce && r.IntN(2) == 0 {
			s.Target = Offsets{}
			for _, tp := range s.Latest.Partitions() {
				s.Target.Set(tp.Topic, tp.Partition, r.Int64N(200))
			}
		}
		s.Limits = Limits{MaxOffsetsPerTrigger: r.Int64N(3) * r.Int64N(50), MinOffsetsPerTrigger: r.Int64N(2) * r.Int64N(300), MinPartitions: r.IntN(12)}
		in.Sources = append(in.Sources, s)
	}
	return in
}

func checkOutput(in PlanInput, out PlanOutput) error {
	if !out.Run {
		return nil
	}
	for id, task := range out.Plan.Tasks {
		if task.ID != id || len(task.Ranges) != 1 || task.Ranges[0].Len() <= 0 {
			return fmt.Errorf("task %d is %+v", id, task)
		}
	}
	for i, s := range in.Sources {
		if err := checkSource(i, s, in.Mode, out.Plan); err != nil {
			return fmt.Errorf("source %d: %w", i, err)
		}
	}
	return nil
}

func checkSource(i int, s SourceInput, m Mode, p Plan) error {
	end := p.Sources[i].End
	read := map[TopicPartition]int64{} // where the tasks got to
	var total int64
	for _, task := range p.Tasks {
		if task.Source != i {
			continue
		}
		r := task.Ranges[0]
		if at, ok := read[r.TopicPartition()]; ok && at != r.From {
			return fmt.Errorf("range %s does not follow the previous one (at %d)", r, at)
		}
		read[r.TopicPartition()] = r.Until
		total += r.Len()
	}
	if capped := s.Limits.MaxOffsetsPerTrigger; capped > 0 && m != ModeOnce && total > capped {
		return fmt.Errorf("read %d offsets, more than maxOffsetsPerTrigger %d", total, capped)
	}
	for tp, at := range read {
		e, ok := end.Get(tp.Topic, tp.Partition)
		latest, _ := s.Latest.Get(tp.Topic, tp.Partition)
		if !ok || e != at || at > latest {
			return fmt.Errorf("%s read to %d, end %d, latest %d", tp, at, e, latest)
		}
		if target, ok := s.Target.Get(tp.Topic, tp.Partition); s.Target != nil && (!ok || at > target) {
			return fmt.Errorf("%s read to %d past its target", tp, at)
		}
	}
	return nil
}
