-- Balance read: GET /api/v1/credit/balance with a user's access token (CREDITD_TOKEN).
local token = os.getenv("CREDITD_TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/credit/balance", {["Authorization"] = "Bearer " .. token})
end
