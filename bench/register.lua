-- wrk script: registrations from many addresses (the app runs with
-- TREMPLIN_TRUST_PROXY=1, so X-Forwarded-For is the client), each a new person.
local counter = 0
local thread_seed = math.random(1, 1000000)

request = function()
  counter = counter + 1
  local n = thread_seed * 100000 + counter
  local ip = string.format("10.%d.%d.%d", n % 250, math.floor(n / 250) % 250, math.floor(n / 62500) % 250)
  local phone = string.format("%%2B3361%07d", n % 10000000)
  local body = "antenna=1&first_name=Amina&last_name=Charge" .. n ..
    "&phone=" .. phone .. "&birth_year=1991&where=59000&consent=yes"
  return wrk.format("POST", "/register", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
end
