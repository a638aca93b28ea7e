package auth

import (
	"context"
	"net/http"
	"net/url"
	"slices"
)

// Policy says who may use a route. Every route in the route table names one; there
// is no default, so a route nobody thought about cannot be reached.
type Policy struct {
	Name   string
	public bool
	roles  []Role
	// For people who are not staff (partner contacts): who is signed in is
	// decided by their package's own check, and visitors sign in at SignIn.
	allow  func(r *http.Request) bool
	SignIn string
}

// Custom is a policy for people who are not staff, such as partner contacts:
// allow says whether the request's person may use the route, and visitors are
// sent to signIn. Staff are refused unless allow accepts them.
func Custom(name, signIn string, allow func(r *http.Request) bool) Policy {
	return Policy{Name: name, allow: allow, SignIn: signIn}
}

// SignInPath is where a visitor goes to sign in for this policy.
func (p Policy) SignInPath() string {
	if p.SignIn != "" {
		return p.SignIn
	}
	return "/login"
}

var (
	// Public routes are open to anyone, signed in or not.
	Public = Policy{Name: "public", public: true}
	// AnyStaff routes are for every signed-in staff member.
	AnyStaff = Policy{Name: "staff", roles: []Role{Admin, Manager, Adviser}}
	// Managers routes are for antenna managers and national admins.
	Managers = Policy{Name: "managers", roles: []Role{Admin, Manager}}
	// Signed routes are for every account, whatever its role: its own profile.
	Signed = Policy{Name: "signed", roles: []Role{Admin, Manager, Adviser, Fundraising}}
	// Fundraisers routes are the donors': managers (their antennas' donors),
	// national admins and the fundraising role, never advisers.
	Fundraisers = Policy{Name: "fundraisers", roles: []Role{Admin, Manager, Fundraising}}
	// Offers routes are the companies' job offers as staff read them and
	// propose people to them: those who follow donors (Fundraisers) and the
	// advisers, each for the companies their antennas follow. Posting and
	// changing offers and the companies' access stay Fundraisers'; the
	// fundraising role's handlers never show nor take the people served.
	Offers = Policy{Name: "offers", roles: []Role{Admin, Manager, Adviser, Fundraising}}
	// DonationsOffice routes are the association's receipts, imports and
	// declaration: national admins and the fundraising role.
	DonationsOffice = Policy{Name: "donations office", roles: []Role{Admin, Fundraising}}
	// Admins routes are for national admins only.
	Admins = Policy{Name: "admins", roles: []Role{Admin}}
)

// IsZero reports a policy that was never set.
func (p Policy) IsZero() bool { return p.Name == "" }

// IsPublic reports whether visitors may use the route.
func (p Policy) IsPublic() bool { return p.public }

// Allows reports whether s may use a route with this policy.
func (p Policy) Allows(s *Staff) bool {
	if p.public {
		return true
	}
	return s != nil && s.Active && slices.Contains(p.roles, s.Role)
}

type staffKey struct{}

// Current returns the signed-in staff member, or nil.
func Current(ctx context.Context) *Staff {
	s, _ := ctx.Value(staffKey{}).(*Staff)
	return s
}

// WithStaff stores the signed-in staff member in ctx.
func WithStaff(ctx context.Context, s *Staff) context.Context {
	return context.WithValue(ctx, staffKey{}, s)
}

// Guard enforces p before h: visitors are sent to sign in and come back; staff
// without the role get the 403 page.
func (s *Service) Guard(p Policy, h http.Handler) http.Handler {
	if p.IsZero() {
		panic("auth: route without an access policy")
	}
	if p.public {
		return h
	}
	if p.allow != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p.allow(r) {
				h.ServeHTTP(w, r)
				return
			}
			if Current(r.Context()) != nil {
				s.Render.Error(w, r, http.StatusForbidden)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, p.SignInPath()+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.Render.Error(w, r, http.StatusUnauthorized)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := Current(r.Context())
		if st == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.Render.Error(w, r, http.StatusUnauthorized)
			return
		}
		if !p.Allows(st) {
			s.Render.Error(w, r, http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
