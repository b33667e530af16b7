package checkpoint

import (
	"fmt"

	"github.com/spate-io/spate/engine/batch"
)

// validatePlan checks what a replay relies on: task ids 0..n-1, each task
// naming one of the plan's sources, ranges [From, Until) of real offsets.
// A plan failing it was not written by spate.
func validatePlan(p batch.Plan) error {
	if p.ID < 0 {
		return fmt.Errorf("batch id %d is negative", p.ID)
	}
	if len(p.Sources) == 0 {
		return fmt.Errorf("batch %d has no sources", p.ID)
	}
	for i, s := range p.Sources {
		if err := validateOffsets(s.Start); err != nil {
			return fmt.Errorf("source %d start: %w", i, err)
		}
		if err := validateOffsets(s.End); err != nil {
			return fmt.Errorf("source %d end: %w", i, err)
		}
	}
	for i, t := range p.Tasks {
		if err := validateTask(t, i, len(p.Sources)); err != nil {
			return err
		}
	}
	return nil
}

func validateTask(t batch.Task, i, sources int) error {
	switch {
	case t.ID != i:
		return fmt.Errorf("task %d has id %d; task ids run 0..n-1", i, t.ID)
	case t.Source < 0 || t.Source >= sources:
		return fmt.Errorf("task %d reads source %d but the batch has %d", i, t.Source, sources)
	}
	for _, r := range t.Ranges {
		if r.Partition < 0 || r.From < 0 || r.Until < r.From {
			return fmt.Errorf("task %d has the impossible range %s", i, r)
		}
	}
	return nil
}

func validateOffsets(o batch.Offsets) error {
	for _, tp := range o.Partitions() {
		off, _ := o.Get(tp.Topic, tp.Partition)
		if tp.Partition < 0 || off < 0 {
			return fmt.Errorf("impossible offset %d for %s", off, tp)
		}
	}
	return nil
}
