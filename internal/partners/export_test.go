package partners

// SetReferredPage sets how many referrals EachReferredPerson reads per page, so
// that a test walks several pages on a few rows; the returned func restores it.
func SetReferredPage(n int) (restore func()) {
	old := referredPage
	referredPage = n
	return func() { referredPage = old }
}
