package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"tremplin/internal/platform/db"
)

// ErrorData is what the error page shows: a status, its translated explanation
// and, for server faults, the request id to quote.
type ErrorData struct {
	Status int
	Full   bool // a 503 because the database's disk is full or failing
}

// Error renders the error page for status in the visitor's language.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, status int) {
	r.Render(w, req, status, "web/error.html", ErrorData{Status: status}, nil)
}

// NotFound is the 404 page. It is also the answer to a record of another antenna:
// staff must not learn that it exists.
func (r *Renderer) NotFound(w http.ResponseWriter, req *http.Request) {
	r.Error(w, req, http.StatusNotFound)
}

// Fail logs err with the request id and shows the matching page: 413 for an
// oversized body, 503 when the database is unreachable, 500 otherwise. The person
// never sees the error itself.
func (r *Renderer) Fail(w http.ResponseWriter, req *http.Request, err error) {
	if errors.Is(err, db.ErrNotFound) {
		// Missing, or another antenna's: the same page, nothing to log.
		r.NotFound(w, req)
		return
	}
	status := http.StatusInternalServerError
	full := r.Full != nil && r.Full(err)
	switch {
	case full:
		status = http.StatusServiceUnavailable
	case errors.Is(err, ErrTooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBadRequest):
		status = http.StatusBadRequest
	case req.Context().Err() != nil, r.Unavailable != nil && r.Unavailable(err):
		// The request's deadline passed (the database is slow or hangs), its
		// client went away, or the database cannot be reached.
		status = http.StatusServiceUnavailable
	}
	level := slog.LevelError
	msg := "request failed"
	switch {
	case status == http.StatusRequestEntityTooLarge || status == http.StatusBadRequest:
		level = slog.LevelWarn
	case errors.Is(req.Context().Err(), context.DeadlineExceeded):
		msg = "request deadline passed"
	case errors.Is(req.Context().Err(), context.Canceled):
		level, msg = slog.LevelWarn, "client went away"
	case full:
		msg = "the database cannot write: its disk is full or failing"
	}
	r.log.Log(req.Context(), level, msg, "request_id", RequestID(req.Context()),
		"method", req.Method, "path", req.URL.Path, "status", status, "err", err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "30")
	}
	r.Render(w, req, status, "web/error.html", ErrorData{Status: status, Full: full}, nil)
}
