package notify

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func smtpMailer(t *testing.T, rawURL string) *SMTPMailer {
	t.Helper()
	m, err := newSMTPMailer(rawURL, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func header(h map[string][]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// French, Arabic and Chinese emails go through a real SMTP server, and what a mail
// program would show — the names of sender and recipient, the subject, the body — is
// read back decoded, unchanged; each message has a Date and a Message-ID of its own.
func TestSMTPMailerDeliversEveryScript(t *testing.T) {
	mp := startMailpit(t)
	ctx := context.Background()
	lille := smtpMailer(t, "smtp://"+mp.smtp+"?tls=none&from=antenne.lille@tremplin.example&name=Tremplin Lille")
	dzaleka := smtpMailer(t, "smtp://"+mp.smtp+"?tls=none&from=antenne.dzaleka@tremplin.example&name="+url.QueryEscape("ترامبلان دزاليكا"))
	sent := []struct {
		mailer   *SMTPMailer
		fromName string
		email    Email
	}{
		{lille, "Tremplin Lille", Email{
			To: "ines.moreau@example.org", ToName: "Inès Moreau-Lefèvre, « la référente »",
			Subject: "Réinitialisation de votre mot de passe — le lien expire à 18 h, ça presse",
			Body: "Bonjour Inès,\n\nVoici le lien pour choisir un nouveau mot de passe : https://tremplin.example/reinitialiser?jeton=abc123&langue=fr\n" +
				"Une ligne bien plus longue que soixante-seize caractères, avec des accents é è à ù ç Œ et un tiret — pour voir les coupures.\n\nÀ bientôt,\nl’équipe Tremplin\n",
		}},
		{dzaleka, "ترامبلان دزاليكا", Email{
			To: "omar@example.org", ToName: "عمر الفاروق",
			Subject: ForLanguage("ar", "تم إلغاء دورة المهارات الرقمية في Lille يوم 12/03 من 9:30 إلى 12:30"),
			Body:    ForLanguage("ar", "مرحبا عمر،\nتم إلغاء الدورة. للاستفسار اتصل بـ +33 3 20 00 00 01.\n"),
		}},
		{lille, "Tremplin Lille", Email{
			To: "li.wei@example.org", ToName: "李伟",
			Subject: "您的报名已收到：数字技能课程",
			Body:    "李伟您好，\n我们已收到您的报名，顾问会尽快与您联系。\n",
		}},
	}
	for _, s := range sent {
		if err := s.mailer.Send(ctx, s.email); err != nil {
			t.Fatalf("to %s: %v", s.email.To, err)
		}
	}

	got := mp.messages(t)
	if len(got) != len(sent) {
		t.Fatalf("mailpit holds %d messages, want %d", len(got), len(sent))
	}
	ids := map[string]bool{}
	for _, s := range sent {
		var m *mailpitMessage
		for i := range got {
			if len(got[i].To) == 1 && got[i].To[0].Address == s.email.To {
				m = &got[i]
			}
		}
		if m == nil {
			t.Errorf("nothing arrived for %s", s.email.To)
			continue
		}
		if m.To[0].Name != s.email.ToName {
			t.Errorf("To name %q, want %q", m.To[0].Name, s.email.ToName)
		}
		if m.From.Name != s.fromName || m.From.Address != s.mailer.from.Address {
			t.Errorf("From %q <%s>, want %q <%s>", m.From.Name, m.From.Address, s.fromName, s.mailer.from.Address)
		}
		if m.Subject != s.email.Subject {
			t.Errorf("Subject %q, want %q", m.Subject, s.email.Subject)
		}
		// SMTP carries lines ended by CRLF; the lines are the ones written.
		if text := strings.ReplaceAll(m.Text, "\r\n", "\n"); text != s.email.Body {
			t.Errorf("body\n%q\nwant\n%q", text, s.email.Body)
		}
		if ct := header(m.Header, "Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
			t.Errorf("Content-Type %q", ct)
		}
		if _, err := mail.ParseDate(header(m.Header, "Date")); err != nil {
			t.Errorf("Date %q: %v", header(m.Header, "Date"), err)
		}
		if !strings.HasSuffix(m.MessageID, "@"+s.mailer.domain) || ids[m.MessageID] {
			t.Errorf("Message-ID %q: not at %s, or not unique", m.MessageID, s.mailer.domain)
		}
		ids[m.MessageID] = true
	}
}

// With STARTTLS required by the server, the default smtp:// upgrades the session
// and signs in; tls=none, a wrong password or a certificate nobody trusts deliver
// nothing. smtps:// speaks TLS from the first byte to a server that wants it so.
func TestSMTPMailerTLSAndSignIn(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, roots := testCertificate(t, dir)
	auth := dir + "/smtp-users"
	if err := os.WriteFile(auth, []byte("relay:p@ss/wörd:1?\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	email := Email{To: "ines@example.org", Subject: "Sécurisé", Body: "Bonjour\n"}

	mp := startMailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls", "--smtp-auth-file", auth)
	user := url.UserPassword("relay", "p@ss/wörd:1?").String()
	for _, query := range []string{"", "&tls=starttls"} {
		m := smtpMailer(t, "smtp://"+user+"@"+mp.smtp+"?from=antenne@tremplin.example"+query)
		m.roots = roots
		if err := m.Send(ctx, email); err != nil {
			t.Fatalf("STARTTLS%s: %v", query, err)
		}
	}
	// Each refusal for its own reason: no password in clear, a password refused,
	// none given, a certificate not checked out.
	for _, c := range []struct {
		name, url string
		roots     *x509.CertPool
		why       func(error) bool
	}{
		{"no TLS", "smtp://" + user + "@" + mp.smtp + "?tls=none&from=antenne@tremplin.example", roots,
			func(err error) bool { return errors.Is(err, gomail.ErrNoSupportedAuthDiscovered) }},
		{"wrong password", "smtp://relay:guess@" + mp.smtp + "?from=antenne@tremplin.example", roots,
			func(err error) bool { return strings.Contains(err.Error(), "535") }},
		{"no password", "smtp://" + mp.smtp + "?from=antenne@tremplin.example", roots,
			func(err error) bool { return strings.Contains(err.Error(), "530") }},
		{"untrusted certificate", "smtp://" + user + "@" + mp.smtp + "?from=antenne@tremplin.example", nil,
			func(err error) bool {
				var unknown x509.UnknownAuthorityError
				return errors.As(err, &unknown)
			}},
	} {
		m := smtpMailer(t, c.url)
		m.roots = c.roots
		if err := m.Send(ctx, email); err == nil || !c.why(err) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	got := mp.messages(t)
	if len(got) != 2 {
		t.Fatalf("mailpit holds %d messages, want the 2 sent over STARTTLS", len(got))
	}
	for _, m := range got {
		if m.Username != "relay" || m.Subject != email.Subject {
			t.Errorf("message %q sent as %q", m.Subject, m.Username)
		}
	}

	implicit := startMailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-tls")
	m := smtpMailer(t, "smtps://"+implicit.smtp+"?from=antenne@tremplin.example&name=Tremplin")
	m.roots = roots
	if err := m.Send(ctx, email); err != nil {
		t.Fatalf("smtps: %v", err)
	}
	if got := implicit.messages(t); len(got) != 1 || got[0].Subject != email.Subject || got[0].From.Name != "Tremplin" {
		t.Fatalf("smtps delivered %+v", got)
	}
}

// A refused recipient or an address that is none is permanent: a queue must not try
// again. A server that is down or answers "try later" (4xx) is not.
func TestPermanentTellsRefusalFromOutage(t *testing.T) {
	mp := startMailpit(t, "--smtp-allowed-recipients", `@tremplin\.example$`, "--enable-chaos")
	ctx := context.Background()
	m := smtpMailer(t, "smtp://"+mp.smtp+"?tls=none&from=antenne@tremplin.example")

	if err := m.Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"}); err != nil {
		t.Fatalf("an allowed recipient: %v", err)
	}

	err := m.Send(ctx, Email{To: "karim@elsewhere.example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || !Permanent(err) || !strings.Contains(err.Error(), "550") {
		t.Errorf("refused recipient: %v, permanent %v", err, Permanent(err))
	}

	err = m.Send(ctx, Email{To: "karim at example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || !Permanent(err) {
		t.Errorf("not an address: %v, permanent %v", err, Permanent(err))
	}

	mp.put(t, "/api/v1/chaos", map[string]any{"Recipient": map[string]int{"ErrorCode": 451, "Probability": 100}})
	err = m.Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || Permanent(err) || !strings.Contains(err.Error(), "451") {
		t.Errorf("recipient greylisted (451): %v, permanent %v", err, Permanent(err))
	}
	mp.put(t, "/api/v1/chaos", map[string]any{"Sender": map[string]int{"ErrorCode": 553, "Probability": 100}})
	err = m.Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || !Permanent(err) || !strings.Contains(err.Error(), "553") {
		t.Errorf("sender refused (553): %v, permanent %v", err, Permanent(err))
	}

	down := freeAddr(t) // nothing listens there any more
	err = smtpMailer(t, "smtp://"+down+"?from=antenne@tremplin.example").Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || Permanent(err) {
		t.Errorf("server down: %v, permanent %v", err, Permanent(err))
	}
	err = smtpMailer(t, "smtp://"+hangsUpAtMail(t)+"?tls=none&from=antenne@tremplin.example").Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"})
	if err == nil || Permanent(err) {
		t.Errorf("server gone mid-session: %v, permanent %v", err, Permanent(err))
	}
	if got := mp.messages(t); len(got) != 1 {
		t.Errorf("mailpit holds %d messages, want 1", len(got))
	}
}

// hangsUpAtMail is a server that greets, answers EHLO and NOOP, then goes away when
// asked to take a message, as one that crashes or restarts would.
func hangsUpAtMail(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprint(c, "220 test ESMTP\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(line); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "NOOP"):
				fmt.Fprint(c, "250 ok\r\n")
			default:
				return
			}
		}
	}()
	return ln.Addr().String()
}

// A server that accepts the connection and never answers holds Send only as long as
// its context: cancelling it ends the session at once.
func TestSendEndsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		cancel() // the client is now waiting for a greeting that never comes
		<-t.Context().Done()
	}()
	err = smtpMailer(t, "smtp://"+ln.Addr().String()+"?from=antenne@tremplin.example").Send(ctx, Email{To: "karim@tremplin.example", Subject: "Bonjour", Body: "Bonjour\n"})
	// Ended by the cancel, not by go-mail's own timeout running out.
	if !errors.Is(err, context.Canceled) || errors.Is(err, os.ErrDeadlineExceeded) || Permanent(err) {
		t.Fatalf("Send after cancel: %v, permanent %v", err, Permanent(err))
	}
}
