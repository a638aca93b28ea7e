package impact_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// buildChild is the environment variable that makes this test binary a process
// that builds the counters of the database it names, then exits.
const buildChild = "TREMPLIN_TEST_BUILD_CHILD"

// A first build is stopped in the middle, by a kill or by a plain SIGTERM: a
// process started next builds at once, instead of dashboards saying "being
// prepared" for a quarter of an hour. The build is held in the middle by a lock
// on a table it reads (cohorts), from another connection.
func TestBuildStoppedMidwayIsTakenUpAtOnce(t *testing.T) {
	if url := os.Getenv(buildChild); url != "" {
		runBuildChild(url)
		return
	}
	url := dbtest.URL(t, db.Postgres)
	ctx := context.Background()
	d, err := db.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var schema string
	if err := d.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("pgx", os.Getenv("TREMPLIN_TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	state := func() (since, building string) {
		t.Helper()
		if err := d.QueryRowContext(ctx, "SELECT since, building_at FROM impact_refresh WHERE id = 1").Scan(&since, &building); err != nil {
			t.Fatal(err)
		}
		return since, building
	}
	// start runs a child whose build waits on the locked table, and returns once
	// the build is under way.
	start := func() (*exec.Cmd, func()) {
		t.Helper()
		lock, err := other.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lock.Exec("LOCK TABLE " + schema + ".cohorts IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestBuildStoppedMidwayIsTakenUpAtOnce$")
		cmd.Env = append(os.Environ(), buildChild+"="+url)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if _, building := state(); building != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the child process never started its build")
			}
		}
		return cmd, func() { lock.Rollback() }
	}

	// Killed: the next process builds at once.
	cmd, unlock := start()
	cmd.Process.Kill()
	cmd.Wait()
	unlock()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The killed process's connection ends, and its lock with it, once the
	// server notices (its session was waiting on the table): a few moments on
	// a busy machine, never the 15 minutes of a mark left behind.
	err = impact.Refresh(rctx, d)
	for deadline := time.Now().Add(5 * time.Second); errors.Is(err, impact.ErrBuilding) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		err = impact.Refresh(rctx, d)
	}
	if err != nil {
		t.Fatalf("the build after a kill: %v (want it done at once)", err)
	}
	if since, building := state(); since == "" || building != "" {
		t.Fatalf("after the build: since %q, building_at %q", since, building)
	}

	// SIGTERM: the process stops its build and clears its mark, at once, although
	// the database still holds the build up.
	if _, err := d.Exec(ctx, "UPDATE impact_refresh SET since = '' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	cmd, unlock = start()
	defer unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the child stopped with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not stop the build within 5 s")
	}
	if since, building := state(); since != "" || building != "" {
		t.Fatalf("after SIGTERM: since %q, building_at %q, want both empty", since, building)
	}
}

// runBuildChild builds the counters, as a server does at start, until SIGTERM.
func runBuildChild(url string) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	d, err := db.Open(ctx, url, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	err = impact.Refresh(impact.WithShutdown(ctx, ctx), d)
	wait, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	impact.WaitBuilds(wait)
	d.Close()
	if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(4)
	}
	os.Exit(0)
}
