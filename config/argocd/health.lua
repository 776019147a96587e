-- Argo CD health check of every platform.egov.vn kind that has a status.
-- Every kind reports with the same conditions (kstatus: Ready, and
-- Reconciling and Stalled only while True; Paused while a pause holds), so
-- one script reads them all, and it reads them as kstatus does: Healthy is
-- kstatus' Current, Progressing its InProgress, Degraded its Failed.
-- hack/gitops registers it for each kind in argocd-cm.yaml.

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local generation = obj.metadata.generation or 0

-- A pause holds the observed generation back, so it is read first: the
-- Paused condition says the operator saw this generation and holds it.
local paused = condition("Paused")
if isTrue(paused) and paused.observedGeneration == generation then
  return { status = "Suspended", message = paused.message }
end

if obj.status == nil or obj.status.observedGeneration == nil then
  return { status = "Progressing", message = "the operator has not reported on the object yet" }
end
if obj.status.observedGeneration ~= generation then
  return { status = "Progressing", message = "generation " .. generation ..
    " is not observed yet (status describes " .. obj.status.observedGeneration .. ")" }
end

local stalled = condition("Stalled")
if isTrue(stalled) then
  return { status = "Degraded", message = stalled.reason .. ": " .. stalled.message }
end
local reconciling = condition("Reconciling")
if isTrue(reconciling) then
  return { status = "Progressing", message = reconciling.reason .. ": " .. reconciling.message }
end
local ready = condition("Ready")
if isTrue(ready) then
  return { status = "Healthy", message = ready.message }
end
if ready ~= nil then
  return { status = "Progressing", message = ready.reason .. ": " .. ready.message }
end
return { status = "Progressing", message = "the operator has not reported Ready yet" }
