package app_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/demo"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := app.Main(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUserAddMigrateAndBackup(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TREMPLIN_DATA": dir}
	if code, out, errs := run(t, env, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	code, out, errs := run(t, env, "user", "add", "--email", "Fatou@Example.org", "--name", "Fatou Sow", "--role", "admin")
	if code != 0 || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	password := strings.TrimSpace(out[strings.Index(out, "password: ")+10:])
	if code, _, errs := run(t, env, "user", "add", "--email", "fatou@example.org", "--name", "Again", "--role", "admin"); code == 0 || !strings.Contains(errs, "already has an account") {
		t.Fatalf("duplicate user add: %d %s", code, errs)
	}
	if code, _, errs := run(t, env, "user", "add", "--email", "a@b.org", "--name", "A", "--role", "adviser"); code == 0 || !strings.Contains(errs, "--antenna") {
		t.Fatalf("adviser without antenna: %d %s", code, errs)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := run(t, env, "backup", backup); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	d, err := db.Open(context.Background(), "sqlite:"+backup, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := auth.ByEmail(context.Background(), d, "fatou@example.org")
	if err != nil {
		t.Fatalf("the backup lacks the new account: %v", err)
	}
	if ok, _ := auth.CheckPassword(st.PasswordHash, password); !ok {
		t.Fatal("the printed password does not sign in")
	}
	if code, _, _ := run(t, env, "frobnicate"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
}

// The demo can be seeded again and again without duplicating anything.
func TestDemoSeedIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		count := func() (n int) {
			d.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM antennas) + (SELECT COUNT(*) FROM places) + (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM staff_antennas)").Scan(&n)
			return n
		}
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		first := count()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		if first == 0 || count() != first {
			t.Fatalf("rows after one seed %d, after two %d", first, count())
		}
	})
}

// `tremplin serve` starts, answers, and stops cleanly when asked.
func TestServeStartsAndShutsDownGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errOut bytes.Buffer
	go func() {
		done <- app.Main(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, func(string) string { return "" }, &out, &errOut)
	}()
	var res *http.Response
	for i := 0; i < 100; i++ {
		if res, err = http.Get("http://" + addr + "/readyz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("never served: %v\n%s", err, errOut.String())
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/readyz %d", res.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not shut down")
	}
}

// Flags may follow the arguments, as people type them (`tremplin backup FILE
// --data DIR`), and a wrong count of arguments says what is wrong.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := run(t, nil, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := run(t, nil, "backup", backup, "--data", dir); code != 0 || !strings.Contains(out, "backup written to "+backup) {
		t.Fatalf("backup FILE --data DIR: %d %q %q", code, out, errs)
	}
	other := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := run(t, nil, "backup", "--data", dir, other); code != 0 || !strings.Contains(out, "backup written to "+other) {
		t.Fatalf("backup --data DIR FILE: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, nil, "user", "add", "--email", "a@example.org", "admin", "--data", dir); code != 2 || !strings.Contains(errs, `tremplin user add: unexpected argument "admin"`) {
		t.Fatalf("stray word: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, nil, "backup", "--data", dir); code != 2 || !strings.Contains(errs, "missing FILE") {
		t.Fatalf("backup without FILE: %d %q", code, errs)
	}
	if code, _, errs := run(t, nil, "backup", "a.db", "b.db", "--data", dir); code != 2 || !strings.Contains(errs, "one FILE expected, got 2: a.db b.db") {
		t.Fatalf("backup with two files: %d %q", code, errs)
	}
	if code, _, errs := run(t, nil, "frobnicate", "x"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errs)
	}
}
