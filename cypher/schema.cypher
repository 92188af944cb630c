// Constraints and indexes, created by `policykg load` before any write. Idempotent (IF NOT EXISTS).
// One uniqueness constraint per label of graph/schema.py NODE_LABELS; tests check they agree.
CREATE CONSTRAINT plan_id IF NOT EXISTS FOR (n:Plan) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT part_id IF NOT EXISTS FOR (n:Part) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT eventseries_id IF NOT EXISTS FOR (n:EventSeries) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT hospital_id IF NOT EXISTS FOR (n:Hospital) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT program_id IF NOT EXISTS FOR (n:Program) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT regulation_id IF NOT EXISTS FOR (n:Regulation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT target_id IF NOT EXISTS FOR (n:Target) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT indicator_id IF NOT EXISTS FOR (n:Indicator) REQUIRE n.id IS UNIQUE;
// Range indexes where the query library filters.
CREATE INDEX plan_level IF NOT EXISTS FOR (n:Plan) ON (n.level);
CREATE INDEX plan_year IF NOT EXISTS FOR (n:Plan) ON (n.year);
CREATE INDEX plan_region IF NOT EXISTS FOR (n:Plan) ON (n.region);
CREATE INDEX task_plan IF NOT EXISTS FOR (n:Task) ON (n.plan);
CREATE INDEX part_plan IF NOT EXISTS FOR (n:Part) ON (n.plan);
CREATE INDEX target_plan IF NOT EXISTS FOR (n:Target) ON (n.plan);
CREATE INDEX indicator_name IF NOT EXISTS FOR (n:Indicator) ON (n.name);
CREATE INDEX program_name IF NOT EXISTS FOR (n:Program) ON (n.name);
CREATE INDEX regulation_name IF NOT EXISTS FOR (n:Regulation) ON (n.name);
CREATE INDEX hospital_name IF NOT EXISTS FOR (n:Hospital) ON (n.name);
CREATE INDEX region_name IF NOT EXISTS FOR (n:Region) ON (n.name);
// Full-text search over names and aliases with the CJK bigram analyzer: finds 中山 or 疾控.
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:Hospital|Agency|Program|Regulation|Region|Event|Organization|Plan|EventSeries) ON EACH [n.name, n.alias_text]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};
