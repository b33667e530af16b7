package driver

import (
	"time"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// The JSON messages of the driver's HTTP API and of the executor protocol
// (docs/api.md). Executors import them from here, so the two sides cannot
// drift apart.

// Error codes in ErrorBody.Code, for clients that branch on them.
const (
	// CodeVersionMismatch: an executor of another spate version registered.
	CodeVersionMismatch = "version_mismatch"
	// CodeUnknownExecutor: a heartbeat from an executor the driver does not
	// know (it restarted, or declared the executor dead): register again.
	CodeUnknownExecutor = "unknown_executor"
	// CodePlanUnknown: a task omitted its plan and the executor does not
	// have it cached: send the task again with the plan.
	CodePlanUnknown = "plan_unknown"
	// CodeBusy: every slot of the executor is taken.
	CodeBusy = "busy"
	// CodeTaskFailed: the task ran and failed.
	CodeTaskFailed = "task_failed"
)

// ErrorBody is every error answer: {"error": "driver: ...", "code": "..."}.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
	// Permanent marks a task error that retrying cannot fix
	// (engine.Permanent): the batch fails at once.
	Permanent bool `json:"permanent,omitempty"`
}

// RegisterRequest is what an executor sends to join
// (POST /api/v1/executors).
type RegisterRequest struct {
	// ID is unique to the executor process ("executor-1-3f9a2c01"): its
	// memberlist node name and, once registered, its id at the driver. An
	// executor registering again (after a driver restart, or after being
	// declared dead) uses the same ID. Empty: the driver makes one.
	ID string `json:"id,omitempty"`
	// Name is the executor's name for people ("executor-1").
	Name string `json:"name"`
	// Version is the executor's spate build; it must equal the driver's.
	Version string `json:"version"`
	// Addr is the executor's HTTP address, where tasks are sent.
	Addr string `json:"addr"`
	// Gossip is the executor's memberlist address.
	Gossip string `json:"gossip,omitempty"`
	// Slots is how many tasks the executor runs at once.
	Slots int `json:"slots"`
	// UDFs are the UDF names the executor's binary registered.
	UDFs []string `json:"udfs"`
}

// RegisterResponse is the driver's answer to a registration.
type RegisterResponse struct {
	// ID is the executor's id at the driver: RegisterRequest.ID, or one
	// the driver made. Heartbeats name it.
	ID string `json:"id"`
	// DriverVersion is the driver's spate build.
	DriverVersion string `json:"driverVersion"`
	// HeartbeatIntervalMs is how often to heartbeat.
	HeartbeatIntervalMs int64 `json:"heartbeatIntervalMs"`
	// Gossip is the driver's memberlist address, to join.
	Gossip string `json:"gossip"`
}

// ExecutorInfo describes an executor (GET /api/v1/executors).
type ExecutorInfo struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Addr    string   `json:"addr"`
	Gossip  string   `json:"gossip,omitempty"`
	Slots   int      `json:"slots"`
	Running int      `json:"running"`
	UDFs    []string `json:"udfs"`
	// Alive is false once the executor missed its heartbeats, failed
	// memberlist's probes, refused connections or left.
	Alive bool `json:"alive"`
	// Why says why an executor is not alive.
	Why string `json:"why,omitempty"`
	// InGossip is true while the driver's memberlist sees the executor's
	// node alive, i.e. its probes watch it.
	InGossip      bool      `json:"inGossip"`
	RegisteredAt  time.Time `json:"registeredAt"`
	LastHeartbeat time.Time `json:"lastHeartbeat"`
	TasksDone     int64     `json:"tasksDone"`
	TasksFailed   int64     `json:"tasksFailed"`
}

// Query states.
const (
	StateRunning = "running"
	StateStopped = "stopped"
	StateFailed  = "failed"
)

// QueryStatus is one query as the API reports it
// (GET /api/v1/queries/{name}). The fields after Checkpoint describe the
// last committed batch of this run: BatchID is -1 before the first.
type QueryStatus struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	// RunID changes at every start of the query.
	RunID string `json:"runId,omitempty"`
	// State is running, stopped or failed.
	State string `json:"state"`
	// Message is what the query does now ("Waiting for data to arrive",
	// "Waiting for executors: ...", the error of a failed query).
	Message         string `json:"message"`
	IsDataAvailable bool   `json:"isDataAvailable"`
	IsTriggerActive bool   `json:"isTriggerActive"`
	// WaitingForExecutors is true while a batch waits for an executor.
	WaitingForExecutors bool      `json:"waitingForExecutors"`
	Error               string    `json:"error,omitempty"`
	Checkpoint          string    `json:"checkpoint"`
	PlanHash            string    `json:"planHash"`
	SubmittedAt         time.Time `json:"submittedAt"`

	BatchID                int64            `json:"batchId"`
	NumInputRows           int64            `json:"numInputRows"`
	InputRowsPerSecond     float64          `json:"inputRowsPerSecond"`
	ProcessedRowsPerSecond float64          `json:"processedRowsPerSecond"`
	Sources                []SourceStatus   `json:"sources"`
	LastProgress           *engine.Progress `json:"lastProgress,omitempty"`
}

// SourceStatus is a source's offsets after the last committed batch.
type SourceStatus struct {
	Description  string            `json:"description"`
	StartOffset  batch.Offsets     `json:"startOffset"`
	EndOffset    batch.Offsets     `json:"endOffset"`
	LatestOffset batch.Offsets     `json:"latestOffset"`
	Metrics      map[string]string `json:"metrics,omitempty"`
}

// SubmitResponse is the answer to a submit (POST /api/v1/queries).
type SubmitResponse struct {
	Name  string `json:"name"`
	ID    string `json:"id"`
	RunID string `json:"runId"`
	State string `json:"state"`
	// Resubmitted is true when the query was already running with the
	// same plan and checkpoint: nothing changed.
	Resubmitted bool `json:"resubmitted,omitempty"`
	// Warnings are things about the plan that work but may surprise, such
	// as relative paths.
	Warnings []string `json:"warnings,omitempty"`
}
