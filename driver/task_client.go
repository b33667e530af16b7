package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spate-io/spate/engine"
)

// TaskPath is the executor's endpoint that runs one task: POST a
// engine.TaskSpec, get a engine.TaskResult or an ErrorBody.
const TaskPath = "/api/v1/tasks"

// taskClient sends tasks to executors over HTTP/JSON. A task's request
// stays open while it runs: the executor answers with the result, and a
// cancelled request (the batch failed, the executor was declared lost)
// cancels the task on the executor.
type taskClient struct {
	http *http.Client
}

func newTaskClient() *taskClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	return &taskClient{http: &http.Client{Transport: tr}}
}

// errUnreachable marks a task that could not be delivered or whose
// connection broke: the executor is gone or going.
var errUnreachable = errors.New("executor unreachable")

// errPlanUnknown is an executor's answer to a task without its plan.
var errPlanUnknown = errors.New("executor does not have the plan")

// run sends spec to the executor at addr and waits for its result.
func (c *taskClient) run(ctx context.Context, addr string, spec engine.TaskSpec) (engine.TaskResult, error) {
	body, err := json.Marshal(spec)
	if err != nil {
		return engine.TaskResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+TaskPath, bytes.NewReader(body))
	if err != nil {
		return engine.TaskResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return engine.TaskResult{}, ctx.Err()
		}
		return engine.TaskResult{}, fmt.Errorf("%w: %v", errUnreachable, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			return engine.TaskResult{}, ctx.Err()
		}
		return engine.TaskResult{}, fmt.Errorf("%w: reading the answer: %v", errUnreachable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return engine.TaskResult{}, answerError(resp.Status, data)
	}
	var res engine.TaskResult
	if err := json.Unmarshal(data, &res); err != nil {
		return engine.TaskResult{}, fmt.Errorf("the executor's answer is not a task result: %v", err)
	}
	if res.TaskID != spec.Task.ID {
		return engine.TaskResult{}, fmt.Errorf("the executor answered for task %d, not %d", res.TaskID, spec.Task.ID)
	}
	return res, nil
}

// answerError turns an executor's error answer into an error: permanent
// task errors stay permanent, a missing plan is errPlanUnknown.
func answerError(status string, data []byte) error {
	var e ErrorBody
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		return fmt.Errorf("the executor answered %s: %s", status, bytes.TrimSpace(data))
	}
	err := errors.New(e.Error)
	switch {
	case e.Code == CodePlanUnknown:
		return fmt.Errorf("%w: %s", errPlanUnknown, e.Error)
	case e.Permanent:
		return engine.Permanent(err)
	}
	return err
}
