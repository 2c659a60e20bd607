-- One-step charge: reserve and capture 1 credit of llm-chat for a random pre-filled account.
-- Environment: CREDITD_API_KEY, BENCH_ACCOUNTS (accounts 1..N).
local key = os.getenv("CREDITD_API_KEY")
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "10000")

request = function()
  local body = string.format('{"account_id":%d,"tool":"llm-chat","capture":true}',
                             math.random(1, accounts))
  return wrk.format("POST", "/api/v1/charges",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key},
                    body)
end

local errors = 0
response = function(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("charge answered " .. status .. ": " .. body .. "\n") end
  end
end
