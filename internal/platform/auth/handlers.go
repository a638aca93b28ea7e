package auth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/alexedwards/scs/v2"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

// Service holds what the sign-in pages and the access middleware need.
type Service struct {
	DB       *db.DB
	Sessions *scs.SessionManager
	Render   *web.Renderer
	Mail     notify.Mailer
	BaseURL  string // for links in emails, e.g. https://tremplin.example.org
	Log      *slog.Logger
}

const sessionKey = "staff_id"

// signedInKey holds when the session was signed in (Unix milliseconds), compared
// with the account's SessionsSince.
const signedInKey = "signed_in_at"

// Flash stores a one-time message (a catalog key) for the next page.
func (s *Service) Flash(r *http.Request, key string) { s.Sessions.Put(r.Context(), "flash", key) }

// PopFlash returns and forgets the one-time message.
func (s *Service) PopFlash(r *http.Request) string { return s.Sessions.PopString(r.Context(), "flash") }

// Language chooses the language from ?lang= in the link (so that a partner can
// send a link in Arabic; the choice is then remembered in the cookie), else the
// visitor's cookie, else Accept-Language. It runs before sessions are loaded, so
// that even a session failure is explained in the visitor's language; Identify
// then prefers a staff member's profile, and remembers a visitor's link language.
func (s *Service) Language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := langOf(r)
		if asked := linkLang(r); asked != "" {
			lang = asked
		}
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), lang)))
	})
}

// linkLang is the language a link asks for with ?lang=, or "".
func linkLang(r *http.Request) string {
	if lang := r.URL.Query().Get("lang"); i18n.Supported(lang) {
		return lang
	}
	return ""
}

func (s *Service) setLangCookie(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Sessions.Cookie.Secure})
}

// Identify loads the signed-in staff member, if any, and switches to the language
// of their profile.
func (s *Service) Identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := ""
		if id := s.Sessions.GetInt64(ctx, sessionKey); id != 0 {
			st, err := ByID(ctx, s.DB, id)
			switch {
			case err == nil && st.Active && s.Sessions.GetInt64(ctx, signedInKey) >= st.SessionsSince:
				ctx = WithStaff(ctx, st)
				ctx = web.WithViewer(ctx, &web.Viewer{ID: st.ID, Name: st.Name, Role: string(st.Role),
					IsAdmin: st.Role == Admin, IsManager: st.Role == Admin || st.Role == Manager,
					IsFundraising: st.Role == Fundraising})
				lang = st.Lang
			case err == nil || errors.Is(err, db.ErrNotFound):
				// Account removed or deactivated, or its password changed since.
				s.Sessions.Remove(ctx, sessionKey)
				s.Sessions.Remove(ctx, signedInKey)
			default:
				s.Render.Fail(w, r, err)
				return
			}
		}
		switch asked := linkLang(r); {
		case i18n.Supported(lang):
			// Staff read their pages in their profile's language; on their pages
			// ?lang= may name something else (the positioning questionnaire's).
			ctx = i18n.WithLang(ctx, lang)
		case asked != "":
			// A visitor who followed a link in a language keeps it.
			if c, err := r.Cookie("lang"); err != nil || c.Value != asked {
				s.setLangCookie(w, asked)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// localPath keeps redirects on this site (web.LocalPath), the home page otherwise.
func localPath(next string) string { return cmp.Or(web.LocalPath(next), "/") }

// SetLanguage switches the interface language: a cookie for everyone, and the
// profile for staff so it follows them to another device.
func (s *Service) SetLanguage(w http.ResponseWriter, r *http.Request) {
	f, ok := s.Render.Form(w, r)
	if !ok {
		return
	}
	lang := f.Get("lang")
	if !i18n.Supported(lang) {
		s.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	s.setLangCookie(w, lang)
	if st := Current(r.Context()); st != nil {
		if err := SetLang(r.Context(), s.DB, st.ID, lang); err != nil {
			s.Render.Fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, localPath(f.Get("next")), http.StatusSeeOther)
}

type loginData struct{ Next string }

// LoginForm shows the sign-in form.
func (s *Service) LoginForm(w http.ResponseWriter, r *http.Request) {
	if Current(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.Render.Render(w, r, http.StatusOK, "auth/login.html", loginData{Next: localPath(r.URL.Query().Get("next"))}, nil)
}

// Login checks the email and password, within the sign-in limits.
func (s *Service) Login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := s.Render.Form(w, r)
	if !ok {
		return
	}
	data := loginData{Next: localPath(f.Get("next"))}
	email := NormalizeEmail(f.Get("email"))
	f.Required("email", "password")
	if !f.Valid() {
		s.Render.Render(w, r, http.StatusUnprocessableEntity, "auth/login.html", data, f)
		return
	}
	address := web.ClientAddress(r)
	blocked, err := tooManyFailures(ctx, s.DB, email, address)
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	if blocked {
		f.Fail("email", "login.too_many")
		s.Render.Render(w, r, http.StatusTooManyRequests, "auth/login.html", data, f)
		return
	}
	st, err := ByEmail(ctx, s.DB, email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		s.Render.Fail(w, r, err)
		return
	}
	hash := dummyHash
	if st != nil && st.PasswordHash != "" {
		hash = st.PasswordHash
	}
	ok, _ = CheckPassword(hash, f.Values.Get("password"))
	if st == nil || !ok || !st.Active {
		if err := recordFailure(ctx, s.DB, email, address); err != nil {
			s.Render.Fail(w, r, err)
			return
		}
		if st != nil && st.Active {
			if err := s.alertOwner(ctx, st); err != nil {
				s.Render.Fail(w, r, err)
				return
			}
		}
		f.Fail("password", "login.wrong")
		f.Set("password", "") // never sent back to the browser
		s.Render.Render(w, r, http.StatusUnauthorized, "auth/login.html", data, f)
		return
	}
	if err := clearFailures(ctx, s.DB, email, address); err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	// A new token at sign-in, so a token planted before cannot be ridden.
	if err := s.Sessions.RenewToken(ctx); err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	s.Sessions.Put(ctx, sessionKey, st.ID)
	s.Sessions.Put(ctx, signedInKey, time.Now().UnixMilli())
	// A language chosen on the sign-in page is the person's choice right now: keep
	// it rather than switching them back to their profile's.
	if c, err := r.Cookie("lang"); err == nil && i18n.Supported(c.Value) && c.Value != st.Lang {
		if err := SetLang(ctx, s.DB, st.ID, c.Value); err != nil {
			s.Render.Fail(w, r, err)
			return
		}
	}
	s.Log.Info("signed in", "staff_id", st.ID, "request_id", web.RequestID(ctx))
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// StartSpace signs a person in to one of the spaces (partner, volunteer,
// company): a new session token, so that one planted before cannot be
// ridden, then their id under the space's key.
func (s *Service) StartSpace(ctx context.Context, key string, id int64) error {
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Put(ctx, key, id)
	return nil
}

// EndSession ends a session (staff's or a space's) and sends the person to
// its sign-in page.
func (s *Service) EndSession(w http.ResponseWriter, r *http.Request, login string) {
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, login, http.StatusSeeOther)
}

// Logout ends the session.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request) { s.EndSession(w, r, "/login") }

// ForgotForm asks for the email to send a reset link to.
func (s *Service) ForgotForm(w http.ResponseWriter, r *http.Request) {
	s.Render.Render(w, r, http.StatusOK, "auth/forgot.html", nil, nil)
}

const resetLifetime = time.Hour

// Forgot emails a reset link if the account exists, within resetQuota, and says
// the same thing either way, so the page cannot be used to find out who works here
// nor to flood a mailbox.
func (s *Service) Forgot(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := s.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("email")
	if email, ok := check.Email(f.Get("email")); email != "" && !ok {
		f.Fail("email", "form.email")
	}
	if !f.Valid() {
		s.Render.Render(w, r, http.StatusUnprocessableEntity, "auth/forgot.html", nil, f)
		return
	}
	st, err := ByEmail(ctx, s.DB, f.Get("email"))
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		s.Render.Fail(w, r, err)
		return
	}
	// Asked for nobody, the request counts against the address all the same.
	var id int64
	if st != nil && st.Active {
		id = st.ID
	}
	send, err := resetQuota.Take(ctx, s.DB, "password", id, web.ClientAddress(r), time.Now())
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	switch {
	case send:
		if err := s.SendPasswordLink(ctx, st, false); err != nil {
			s.Render.Fail(w, r, err)
			return
		}
	case id != 0:
		s.Log.Warn("too many password links asked for", "staff_id", id)
	}
	s.Flash(r, "reset.sent")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// SendPasswordLink emails st a link to choose a password: after "forgot my
// password", or as the welcome of a new account (valid a week then, not an hour).
// The new link replaces the account's other links, which stop working. A mail
// server failure is logged, not returned: the person can ask again.
func (s *Service) SendPasswordLink(ctx context.Context, st *Staff, welcome bool) error {
	token := rand.Text()
	life, subject, body := resetLifetime, "reset.email.subject", "reset.email.body"
	if welcome {
		life, subject, body = welcomeLifetime, "welcome.email.subject", "welcome.email.body"
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE staff_id = $1", st.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO password_resets (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
			hashToken(token), st.ID, time.Now().Add(life).Unix())
		return err
	})
	if err != nil {
		return err
	}
	p := i18n.For(st.Lang)
	link := s.BaseURL + "/password/reset/" + url.PathEscape(token)
	err = s.Mail.Send(ctx, notify.Email{To: st.Email, Subject: p.T(subject),
		Body: p.T(body, "name", st.Name, "link", link, "minutes", int(life.Minutes()), "days", int(life.Hours()/24))})
	if err != nil {
		s.Log.Error("password email not sent", "staff_id", st.ID, "err", err)
	}
	return nil
}

const welcomeLifetime = 7 * 24 * time.Hour

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type resetData struct {
	Token   string
	Invalid bool
}

// resetOwner returns the staff id a still-valid token belongs to, or 0.
func (s *Service) resetOwner(ctx context.Context, token string) (int64, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, "SELECT staff_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
		hashToken(token), time.Now().Unix()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ResetForm asks for a new password, or explains that the link no longer works.
func (s *Service) ResetForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	id, err := s.resetOwner(r.Context(), token)
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusGone
	}
	s.Render.Render(w, r, status, "auth/reset.html", resetData{Token: token, Invalid: id == 0}, nil)
}

// Reset sets the new password; the link then stops working, and so do the
// account's other links.
func (s *Service) Reset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	f, ok := s.Render.Form(w, r)
	if !ok {
		return
	}
	id, err := s.resetOwner(ctx, token)
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	if id == 0 {
		s.Render.Render(w, r, http.StatusGone, "auth/reset.html", resetData{Token: token, Invalid: true}, nil)
		return
	}
	checkNewPassword(f, "password", "password2")
	if !f.Valid() {
		f.Set("password", "")
		f.Set("password2", "")
		s.Render.Render(w, r, http.StatusUnprocessableEntity, "auth/reset.html", resetData{Token: token}, f)
		return
	}
	hash, err := HashPassword(f.Values.Get("password"))
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The used_at condition makes a second, simultaneous use of the link fail.
		res, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL", time.Now().Unix(), hashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errTokenUsed
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE staff_id = $1 AND token_hash <> $2", id, hashToken(token)); err != nil {
			return err
		}
		// Whoever signed in with the old password (perhaps not the owner) is signed out.
		if _, err = tx.ExecContext(ctx, "UPDATE staff SET password_hash = $1, sessions_since = $2, updated_at = $3 WHERE id = $4",
			hash, time.Now().UnixMilli(), db.Now(), id); err != nil {
			return err
		}
		// Whoever was locked out by failed attempts may sign in with the new password.
		_, err = tx.ExecContext(ctx, "DELETE FROM login_failures WHERE email = (SELECT email FROM staff WHERE id = $1)", id)
		return err
	})
	if errors.Is(err, errTokenUsed) {
		s.Render.Render(w, r, http.StatusGone, "auth/reset.html", resetData{Token: token, Invalid: true}, nil)
		return
	}
	if err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	s.Flash(r, "reset.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

var errTokenUsed = errors.New("reset token already used")

func checkNewPassword(f *web.Form, field, confirm string) {
	pw := f.Values.Get(field)
	switch {
	case pw == "":
		f.Fail(field, "form.required")
	case len([]rune(pw)) < MinPasswordLength:
		f.Fail(field, "password.too_short")
	case pw != f.Values.Get(confirm):
		f.Fail(confirm, "password.mismatch")
	}
}

type profileData struct {
	Staff     *Staff
	Languages []web.Option
}

func languageOptions() []web.Option {
	var opts []web.Option
	for _, l := range i18n.Languages {
		opts = append(opts, web.Option{Value: l, Label: "lang." + l})
	}
	return opts
}

// Profile shows the signed-in person's language and password settings.
func (s *Service) Profile(w http.ResponseWriter, r *http.Request) {
	st := Current(r.Context())
	f := web.NewForm(url.Values{"lang": {st.Lang}})
	s.Render.Render(w, r, http.StatusOK, "auth/profile.html", profileData{Staff: st, Languages: languageOptions()}, f)
}

// ProfileSave changes the language and, when given, the password (which needs the
// current one).
func (s *Service) ProfileSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := Current(ctx)
	f, ok := s.Render.Form(w, r)
	if !ok {
		return
	}
	if !i18n.Supported(f.Get("lang")) {
		f.Fail("lang", "form.choose")
	}
	changing := f.Values.Get("password") != "" || f.Values.Get("current") != ""
	if changing {
		if ok, _ := CheckPassword(st.PasswordHash, f.Values.Get("current")); !ok {
			f.Fail("current", "password.current_wrong")
		}
		checkNewPassword(f, "password", "password2")
	}
	if !f.Valid() {
		for _, k := range []string{"current", "password", "password2"} {
			f.Set(k, "")
		}
		s.Render.Render(w, r, http.StatusUnprocessableEntity, "auth/profile.html", profileData{Staff: st, Languages: languageOptions()}, f)
		return
	}
	if err := SetLang(ctx, s.DB, st.ID, f.Get("lang")); err != nil {
		s.Render.Fail(w, r, err)
		return
	}
	if changing {
		since, err := SetPassword(ctx, s.DB, st.ID, f.Values.Get("password"))
		if err != nil {
			s.Render.Fail(w, r, err)
			return
		}
		// Signed out everywhere else, but not here; a new token all the same.
		if err := s.Sessions.RenewToken(ctx); err != nil {
			s.Render.Fail(w, r, err)
			return
		}
		s.Sessions.Put(ctx, signedInKey, since)
	}
	s.Flash(r, "profile.saved")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
