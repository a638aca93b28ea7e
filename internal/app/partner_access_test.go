package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/i18n"
)

// sharedPartner makes an organisation working with Lille and Paris, with one
// person referred to each, and returns the organisation's page and the
// referred people's ids in the partner space (Lille's, Paris's).
func (s *site) sharedPartner() (orgPath string, lillePerson, parisPerson int64) {
	s.t.Helper()
	ctx := context.Background()
	ant := func(name string) int64 { n, _ := strconv.ParseInt(s.antennaID(name), 10, 64); return n }
	lille, paris := ant("Lille"), ant("Paris – Île-de-France")
	o := &partners.Org{Name: "Croix-Rouge, délégation Nord–Paris", Kind: "other", Antennas: []int64{lille, paris}}
	if err := partners.SaveOrg(ctx, s.app.DB, o, nil); err != nil {
		s.t.Fatal(err)
	}
	people := map[int64]int64{}
	for i, a := range []int64{lille, paris} {
		first := []string{"Yasmina", "Bakary"}[i]
		l := &learners.Learner{FirstName: first, LastName: "Secretnom", Phone: "+3361234560" + strconv.Itoa(i), BirthYear: 1991,
			Town: "Lille", ConsentText: "accord"}
		ref := &partners.Referral{OrgID: o.ID, AntennaID: a, Source: "partner"}
		if err := partners.CreateReferral(ctx, s.app.DB, ref, []*learners.Learner{l}); err != nil {
			s.t.Fatal(err)
		}
		var pid int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM referral_people WHERE referral_id = $1", ref.ID).Scan(&pid)
		people[a] = pid
	}
	return "/partners/" + strconv.FormatInt(o.ID, 10), people[lille], people[paris]
}

// seesOnlyParis checks, as a partner contact, that the Paris person shows and
// nothing of Lille's: the list, the person's page, the export.
func seesOnlyParis(t *testing.T, b *browser, lillePerson, parisPerson int64, who string) {
	t.Helper()
	list := html.UnescapeString(b.get("/partner").body)
	if strings.Contains(list, "Yasmina") {
		t.Errorf("%s: the partner space lists a person referred to Lille", who)
	}
	if p := b.get("/partner/people/" + strconv.FormatInt(lillePerson, 10)); p.status != http.StatusNotFound || strings.Contains(p.body, "Yasmina") {
		t.Errorf("%s: Lille's referred person by id: %d", who, p.status)
	}
	if p := b.get("/partner/export.csv"); strings.Contains(p.body, "Yasmina") {
		t.Errorf("%s: the export holds Lille's referred person", who)
	}
	if p := b.get("/partner?state=sent"); strings.Contains(p.body, "Yasmina") {
		t.Errorf("%s: the list by state shows Lille's referred person", who)
	}
	if parisPerson != 0 {
		if !strings.Contains(list, "Bakary") {
			t.Errorf("%s: the Paris person is not listed", who)
		}
		if p := b.get("/partner/people/" + strconv.FormatInt(parisPerson, 10)); p.status != http.StatusOK {
			t.Errorf("%s: the Paris person's page: %d", who, p.status)
		}
	}
}

// A staff member never reads, through a partner contact they add or edit with
// their own address, the people referred to an antenna that is not theirs: the
// Paris manager adds themselves as a contact of a partner shared with Lille,
// and changes an existing Lille contact's address to one of theirs.
func TestStaffGainNoOtherAntennaThroughAPartnerContact(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		org, lillePerson, parisPerson := s.sharedPartner()
		paris := s.signIn("manager.paris@tremplin.example")
		if p := paris.get(org); p.status != http.StatusOK {
			t.Fatalf("the Paris manager sees the shared partner: %d", p.status)
		}

		// A contact added with their own address.
		if p := paris.post(org+"/contacts", url.Values{"contact_name": {"Moi-même"}, "contact_email": {"manager.paris@tremplin.example"}}); p.status != http.StatusSeeOther {
			t.Fatalf("adding the contact: %d %v", p.status, errorsOf(p.body))
		}
		seesOnlyParis(t, s.partnerSignIn("manager.paris@tremplin.example"), lillePerson, parisPerson, "added contact")

		// A Lille contact of the organisation, whose address the Paris manager changes.
		ctx := context.Background()
		orgID, _ := strconv.ParseInt(strings.TrimPrefix(org, "/partners/"), 10, 64)
		c := &partners.Contact{OrgID: orgID, Name: "Aline Nord", Email: "aline@croix-rouge-nord.example", Active: true}
		if err := partners.SaveContact(ctx, s.app.DB, c); err != nil {
			t.Fatal(err)
		}
		if list := html.UnescapeString(s.partnerSignIn(c.Email).get("/partner").body); !strings.Contains(list, "Yasmina") {
			t.Fatal("the Lille contact does not see the Lille person")
		}
		path := org + "/contacts/" + strconv.FormatInt(c.ID, 10)
		if p := paris.get(path + "/edit"); p.status != http.StatusOK {
			t.Fatalf("the contact's form: %d", p.status)
		}
		if p := paris.post(path, url.Values{"contact_name": {"Aline Nord"}, "contact_email": {"boite.perso@paris.example"}, "active": {"yes"},
			"contact_antennas": {s.antennaID("Paris – Île-de-France")}}); p.status != http.StatusSeeOther {
			t.Fatalf("changing the address: %d %v", p.status, errorsOf(p.body))
		}
		// Until the new address is confirmed, the contact signs in with the old one.
		if list := html.UnescapeString(s.partnerSignIn(c.Email).get("/partner").body); !strings.Contains(list, "Yasmina") {
			t.Error("the Lille contact lost their space before the new address was confirmed")
		}
		seesOnlyParis(t, s.partnerSignIn("boite.perso@paris.example"), lillePerson, parisPerson, "edited contact")
	})
}

// Adding a contact with an address that is a contact's of another antenna
// answers as for an address nobody has: the page says nothing of the other
// antenna, and only the mailbox can confirm the address.
func TestAddingAContactTellsNothingOfOtherAntennas(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		p := bordeaux.post("/partners", url.Values{"name": {"Emmaüs Bordeaux"}, "kind": {"other"}, "stage": {"to_contact"},
			"antennas": {s.antennaID("Bordeaux")}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("new partner: %d %v", p.status, errorsOf(p.body))
		}
		org := p.header.Get("Location")
		answer := func(email string) (int, string, string) {
			p := bordeaux.post(org+"/contacts", url.Values{"contact_name": {"Camille"}, "contact_email": {email}})
			next := bordeaux.get(p.header.Get("Location"))
			flash := ""
			fr := i18n.For("fr")
			for _, k := range []string{"saved", "partner.contact.confirm_sent", "partner.email_taken"} {
				if strings.Contains(html.UnescapeString(next.body), fr.T(k)) {
					flash += k
				}
			}
			return p.status, p.header.Get("Location"), flash
		}
		sent := len(s.outbox.Sent())
		st1, loc1, msg1 := answer(sosEmail) // Lille's contact of SOS personnes migrantes
		st2, loc2, msg2 := answer("nobody@emmaus-bordeaux.example")
		if st1 != st2 || loc1 != loc2 || msg1 != msg2 || st1 != http.StatusSeeOther {
			t.Errorf("another antenna's contact address: %d %s %q; a new address: %d %s %q", st1, loc1, msg1, st2, loc2, msg2)
		}
		// The Lille contact keeps their space; the link sent to them confirms nothing.
		var link string
		for _, m := range s.outbox.Sent()[sent:] {
			if m.To == sosEmail {
				link = partnerLink.FindString(m.Body)
			}
		}
		if link != "" {
			b := s.browser()
			if p := b.post(link, nil); p.status == http.StatusSeeOther {
				t.Error("a second contact took an address already confirmed")
			}
		}
		if list := html.UnescapeString(s.partnerSignIn(sosEmail).get("/partner").body); !strings.Contains(list, "SOS personnes migrantes") {
			t.Error("the Lille contact no longer signs in to their organisation")
		}
	})
}
