package notify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mailpitInstall is how a developer gets the SMTP server the email tests send to.
const mailpitInstall = "go install github.com/axllent/mailpit@v1.33.1"

// mailpit is a real SMTP server, github.com/axllent/mailpit, run for one test on
// loopback ports; what it receives is read back from its HTTP API, decoded.
type mailpit struct {
	smtp string // host:port
	api  string // http://host:port
}

// mailpitPath finds the mailpit binary in PATH, then in $(go env GOPATH)/bin. When
// it is missing the test is skipped, or fails under TREMPLIN_REQUIRE_BROWSER=1 (CI,
// where every real part is required).
func mailpitPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", "mailpit")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	msg := "the email tests need mailpit (" + mailpitInstall + ")"
	if os.Getenv("TREMPLIN_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; set TREMPLIN_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// startMailpit runs mailpit with its messages in the test's temporary folder and
// the extra flags given; it is stopped when the test ends.
func startMailpit(t *testing.T, flags ...string) mailpit {
	t.Helper()
	bin := mailpitPath(t)
	dir := t.TempDir()
	for attempt := 1; ; attempt++ {
		mp := mailpit{smtp: freeAddr(t)}
		httpAddr := freeAddr(t)
		mp.api = "http://" + httpAddr
		args := append([]string{"--smtp", mp.smtp, "--listen", httpAddr,
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", attempt)),
			"--disable-version-check", "--smtp-disable-rdns", "--quiet"}, flags...)
		cmd := exec.Command(bin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if mp.ready(exited) {
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			return mp
		}
		cmd.Process.Kill()
		<-exited
		// Another process may have taken a port between freeAddr and mailpit's start.
		if attempt == 3 {
			t.Fatalf("mailpit %s did not start:\n%s", strings.Join(args, " "), out.String())
		}
	}
}

// ready waits until both ports answer, or mailpit exits, or 20 s have passed.
func (mp mailpit) ready(exited <-chan error) bool {
	for range 1000 {
		select {
		case <-exited:
			return false
		case <-time.After(20 * time.Millisecond):
		}
		res, err := http.Get(mp.api + "/readyz")
		if err != nil {
			continue
		}
		res.Body.Close()
		if c, err := net.Dial("tcp", mp.smtp); err == nil {
			c.Close()
			return res.StatusCode == http.StatusOK
		}
	}
	return false
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type mailpitAddress struct{ Name, Address string }

// mailpitMessage is a message as mailpit's API gives it: headers decoded, the
// text part decoded from its transfer encoding and charset.
type mailpitMessage struct {
	ID        string
	MessageID string
	From      mailpitAddress
	To        []mailpitAddress
	Subject   string
	Text      string
	Username  string // the SMTP user it was sent as
	Header    map[string][]string
}

// messages returns every message mailpit holds, newest first.
func (mp mailpit) messages(t *testing.T) []mailpitMessage {
	t.Helper()
	var list struct{ Messages []struct{ ID string } }
	mp.get(t, "/api/v1/messages", &list)
	var all []mailpitMessage
	for _, m := range list.Messages {
		var msg mailpitMessage
		mp.get(t, "/api/v1/message/"+m.ID, &msg)
		mp.get(t, "/api/v1/message/"+m.ID+"/headers", &msg.Header)
		all = append(all, msg)
	}
	return all
}

func (mp mailpit) get(t *testing.T, path string, v any) {
	t.Helper()
	res, err := http.Get(mp.api + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, res.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// put sends v as JSON, to change mailpit's settings while it runs.
func (mp mailpit) put(t *testing.T, path string, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPut, mp.api+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("PUT %s: %s: %s", path, res.Status, body)
	}
}

// testCertificate writes a self-signed certificate for 127.0.0.1 and its key in
// dir, and returns their paths and a pool that trusts it.
func testCertificate(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Tremplin test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}
