-- A Cosmos validator's own commission limits, `max_rate` and `max_change_rate`, fixed when
-- the validator is created, as the SDK keeps them per validator; NULL where a validator has
-- none (the asset's rules alone apply). Rates are canonical decimal text, as `commission`;
-- the audit's validatorStakes check compares both with the journal's registerValidator
-- entries.
ALTER TABLE validators ADD COLUMN max_rate TEXT;
ALTER TABLE validators ADD COLUMN max_change_rate TEXT;
