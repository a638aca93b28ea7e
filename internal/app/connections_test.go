package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// Clients that open connections and send nothing cannot hold more than
// MaxConnections of the server's: the next client waits for a place instead of
// the process running out of file descriptors, and is served once one is free.
func TestServerCapsItsConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: dbtest.URL(t, db.SQLite), Addr: ln.Addr().String(),
		MaxConnections: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })
	url := "http://" + ln.Addr().String() + "/healthz"
	if res, err := http.Get(url); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	http.DefaultClient.CloseIdleConnections()

	var silent []net.Conn
	for range 4 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
		defer c.Close()
	}
	time.Sleep(100 * time.Millisecond)
	client := &http.Client{Timeout: 1500 * time.Millisecond}
	if res, err := client.Get(url); err == nil {
		res.Body.Close()
		t.Fatal("a fifth connection was served while four silent ones were held")
	}
	// A silent connection is let go after 5 s (ReadHeaderTimeout); closing one
	// frees its place at once.
	silent[0].Close()
	client.Timeout = 5 * time.Second
	res, err := client.Get(url)
	if err != nil {
		t.Fatalf("once a place is free: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("once a place is free: %d", res.StatusCode)
	}
}
