package app_test

import (
	"fmt"
	"testing"
)

// The spaces' sign-in links are limited per person and per address alike: one
// address asking for links for many emails or phones, known or not, is sent none
// after 20 within the hour, with the same answer; another address is not affected.
func TestSpaceLinksAreLimitedPerAddress(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		const phone = "+33633333333"
		s.volunteerIn(s.antennaID("Lille"), "Awet", phone, "fr")
		b := s.browserFrom("127.0.0.2")
		for i := range 20 {
			s.askLink(b, fmt.Sprintf("someone%d@example.org", i))
		}
		if link := s.askLink(b, sosEmail); link != "" {
			t.Error("a partner's link was sent to an address that asked 20 times within the hour")
		}
		if link := s.askLink(s.browserFrom("127.0.0.3"), sosEmail); link == "" {
			t.Error("another address was refused a partner's link")
		}
		for i := range 20 {
			s.askVolunteerLink(b, fmt.Sprintf("someone%d@example.org", i), "")
		}
		if link := s.askVolunteerLink(b, phone, phone); link != "" {
			t.Error("a volunteer's link was sent to an address that asked 20 times within the hour")
		}
		if link := s.askVolunteerLink(s.browserFrom("127.0.0.3"), phone, phone); link == "" {
			t.Error("another address was refused a volunteer's link")
		}
	})
}
