package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spate-io/spate/engine"
)

// Client calls a driver's HTTP API: what `spate submit`, `spate jobs` and
// executors use.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client of the driver at addr (host:port or a URL).
func NewClient(addr string) *Client {
	return &Client{base: strings.TrimSuffix(engine.DriverURL(addr), "/"), http: &http.Client{Timeout: 30 * time.Second}}
}

// APIError is an error answer of the driver.
type APIError struct {
	Status int
	Code   string
	Msg    string
}

func (e *APIError) Error() string { return e.Msg }

// Submit sends plan JSON (POST /api/v1/queries).
func (c *Client) Submit(ctx context.Context, planJSON []byte) (SubmitResponse, error) {
	var out SubmitResponse
	return out, c.do(ctx, http.MethodPost, "/api/v1/queries", planJSON, &out)
}

// List returns every query's status.
func (c *Client) List(ctx context.Context) ([]QueryStatus, error) {
	var out []QueryStatus
	return out, c.do(ctx, http.MethodGet, "/api/v1/queries", nil, &out)
}

// Status returns one query's status.
func (c *Client) Status(ctx context.Context, name string) (QueryStatus, error) {
	var out QueryStatus
	return out, c.do(ctx, http.MethodGet, "/api/v1/queries/"+url.PathEscape(name), nil, &out)
}

// Progress returns the progress of a query's last n batches (0: all the
// driver keeps), oldest first.
func (c *Client) Progress(ctx context.Context, name string, n int) ([]engine.Progress, error) {
	path := "/api/v1/queries/" + url.PathEscape(name) + "/progress"
	if n > 0 {
		path += "?n=" + strconv.Itoa(n)
	}
	var out []engine.Progress
	return out, c.do(ctx, http.MethodGet, path, nil, &out)
}

// Stop stops a query.
func (c *Client) Stop(ctx context.Context, name string) (QueryStatus, error) {
	var out QueryStatus
	return out, c.do(ctx, http.MethodPost, "/api/v1/queries/"+url.PathEscape(name)+"/stop", nil, &out)
}

// Restart restarts a query from its checkpoint.
func (c *Client) Restart(ctx context.Context, name string) (SubmitResponse, error) {
	var out SubmitResponse
	return out, c.do(ctx, http.MethodPost, "/api/v1/queries/"+url.PathEscape(name)+"/restart", nil, &out)
}

// Executors lists the executors.
func (c *Client) Executors(ctx context.Context) ([]ExecutorInfo, error) {
	var out []ExecutorInfo
	return out, c.do(ctx, http.MethodGet, "/api/v1/executors", nil, &out)
}

// Register registers an executor.
func (c *Client) Register(ctx context.Context, req RegisterRequest) (RegisterResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return RegisterResponse{}, err
	}
	var out RegisterResponse
	return out, c.do(ctx, http.MethodPost, "/api/v1/executors", body, &out)
}

// Heartbeat tells the driver the executor is alive.
func (c *Client) Heartbeat(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/api/v1/executors/"+url.PathEscape(id)+"/heartbeat", nil, nil)
}

// Leave tells the driver the executor is going away.
func (c *Client) Leave(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/executors/"+url.PathEscape(id), nil, nil)
}

// Healthy checks that the driver answers.
func (c *Client) Healthy(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil)
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("driver: cannot reach the driver at %s: %w (is `spate driver` running there?)", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("driver: reading the driver's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e ErrorBody
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return &APIError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
		}
		return &APIError{Status: resp.StatusCode, Msg: fmt.Sprintf("driver: %s %s answered %s: %s", method, path, resp.Status, bytes.TrimSpace(data))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("driver: the answer to %s %s is not what this client expects (%v); are client and driver the same version?", method, path, err)
	}
	return nil
}

// IsCode reports whether err is an APIError with the given code.
func IsCode(err error, code string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}
