package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.ApiKeyAuthFilter.Access;
import dev.palisade.filters.ApiKeyAuthFilter.Config;
import dev.palisade.filters.ApiKeyAuthFilter.Rule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
    private static final String RULES = "GET /api/events/*=manager; POST /api/start-conversation=system|manager;\n"
            + "/health=public\n/api/*=authenticated; DELETE /api/events/* = admin ; * /s/*=public";

    @Test
    void parsesMethodPathAndAccess() {
        List<Rule> rules = AccessRules.parse("rules", RULES);

        assertThat(rules).containsExactly(
                new Rule("GET", "/api/events/*", Access.ROLES, Set.of("manager")),
                new Rule("POST", "/api/start-conversation", Access.ROLES, Set.of("system", "manager")),
                new Rule(null, "/health", Access.PUBLIC, Set.of()),
                new Rule(null, "/api/*", Access.AUTHENTICATED, Set.of()),
                new Rule("DELETE", "/api/events/*", Access.ROLES, Set.of("admin")),
                new Rule(null, "/s/*", Access.PUBLIC, Set.of()));
    }

    @Test
    void mostSpecificRuleWinsWhateverTheOrder() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules",
                "/*=admin; /api/*=authenticated; /api/events/*=system; GET /api/events/*=manager; "
                        + "/api/events/special=public; GET /api=system"));

        assertThat(rules.match("GET", "/api/events/1").roles()).containsExactly("manager");
        assertThat(rules.match("POST", "/api/events/1").roles()).containsExactly("system");
        assertThat(rules.match("GET", "/api/events").roles()).containsExactly("manager");
        assertThat(rules.match("GET", "/api/events/special").access()).isEqualTo(Access.PUBLIC);
        assertThat(rules.match("GET", "/api/eventsX").access()).isEqualTo(Access.AUTHENTICATED);
        assertThat(rules.match("GET", "/api").roles()).containsExactly("system");
        assertThat(rules.match("PUT", "/api").access()).isEqualTo(Access.AUTHENTICATED);
        assertThat(rules.match("GET", "/other").roles()).containsExactly("admin");
    }

    @Test
    void unmatchedPathNeedsAValidKey() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules", "/health=public"));

        assertThat(rules.match("GET", "/anything")).isSameAs(AccessRules.DEFAULT);
        assertThat(rules.match("GET", "/health/")).isSameAs(AccessRules.DEFAULT);
        assertThat(rules.match("GET", "/healthz")).isSameAs(AccessRules.DEFAULT);
        assertThat(AccessRules.DEFAULT.access()).isEqualTo(Access.AUTHENTICATED);
    }

    @Test
    void getRuleGuardsHeadAndMethodsCompareIgnoringCase() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules",
                "GET /x=manager; HEAD /y=system; GET /y=manager"));

        assertThat(rules.match("HEAD", "/x").roles()).containsExactly("manager");
        assertThat(rules.match("get", "/x").roles()).containsExactly("manager");
        assertThat(rules.match("HEAD", "/y").roles()).containsExactly("system");
        assertThat(rules.match("POST", "/x")).isSameAs(AccessRules.DEFAULT);
    }

    @Test
    void badRuleFailsNamingTheKeyPositionAndRule() {
        assertThatThrownBy(() -> AccessRules.parse("rules", "/a=public; GET /b"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("rules: rule 2 \"GET /b\": no '='");
        assertThatThrownBy(() -> AccessRules.parse("rules", "api/x=public"))
                .hasMessageContaining("rule 1").hasMessageContaining("does not start with /");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/api/*/x=public"))
                .hasMessageContaining("only allowed as a final /*");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/api*=public"))
                .hasMessageContaining("only allowed as a final /*");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/a=Manager"))
                .hasMessageContaining("a role is not a word");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/a="))
                .hasMessageContaining("a role is not a word");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/a=manager|public"))
                .hasMessageContaining("\"public\" cannot be combined");
        assertThatThrownBy(() -> AccessRules.parse("rules", "GET POST /a=manager"))
                .hasMessageContaining("more than METHOD and PATH");
        assertThatThrownBy(() -> AccessRules.parse("rules", "G3T /a=manager"))
                .hasMessageContaining("the method is not a word");
        assertThatThrownBy(() -> AccessRules.parse("rules", "/a\u0001b=public"))
                .hasMessageContaining("control character").hasMessageNotContaining("\u0001");
    }

    /** Rules match the decoded, normalised path, so a rule in any other form could never match. */
    @Test
    void aRulePathNoRequestPathCanTakeFailsStart() {
        for (String path : List.of("/api/%61dmin/*", "/api\\admin", "/api//admin/*", "/api/./admin", "/api/../admin",
                "/api/admin/.", "/api/admin/..", "/caf\u00e9")) {
            assertThatThrownBy(() -> AccessRules.parse("rules", path + "=admin")).as(path)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("rules: rule 1");
            assertThatThrownBy(() -> Config.builder().rule(null, path, "admin").build()).as(path)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(AccessRules.parse("rules", "/api/admin.v2/..x/*=admin")).hasSize(1);
    }

    @Test
    void noRoleIsNull() {
        ApiKeyPrincipal principal = new ApiKeyPrincipal("acme", Set.of("manager"));

        assertThat(principal.hasRole(null)).isFalse();
        assertThat(principal.hasRole("manager")).isTrue();
    }

    @Test
    void twoRulesForTheSameMethodAndPathFail() {
        assertThatThrownBy(() -> Config.builder().rules("GET /a=manager; /b=public; get /a=system").build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("rules: rules 1 and 3 both cover \"GET /a\"");
    }

    @Test
    void builderMatchesTheTextForm() {
        Config built = Config.builder()
                .rule("GET", "/api/events/*", "manager")
                .rule("POST", "/api/start-conversation", "system", "manager")
                .publicPath("/health")
                .authenticated("*", "/api/*")
                .build();

        assertThat(built.rules()).isEqualTo(AccessRules.parse("rules",
                "GET /api/events/*=manager; POST /api/start-conversation=system|manager; /health=public; "
                        + "/api/*=authenticated"));
        assertThatThrownBy(() -> Config.builder().rule("GET", "/x"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("no role given");
    }

    @Test
    void configFromSettingsRejectsUnknownParamsAndBadRealm() {
        assertThatThrownBy(() -> Config.fromSettings(
                Settings.from("auth", Map.of("key", "x"), ApiKeyAuthFilter.INIT_PARAMS, k -> null)))
                .hasMessageContaining("auth").hasMessageContaining("\"key\"");
        assertThatThrownBy(() -> Config.fromSettings(
                Settings.from("auth", Map.of("realm", "a\"b"), ApiKeyAuthFilter.INIT_PARAMS, k -> null)))
                .hasMessageContaining("realm").hasMessageContaining("a\"b");
    }

    @Test
    void configFromSettingsPrefersInitParamOverEnvironment() {
        Map<String, String> env = Map.of("API_KEYS", ApiKeysTest.OTHER + "@env:system");
        Config fromParam = Config.fromSettings(Settings.from("auth",
                Map.of("keys", ApiKeysTest.SECRET + "@param:manager"), ApiKeyAuthFilter.INIT_PARAMS, env::get));
        Config fromEnv = Config.fromSettings(Settings.from("auth", Map.of(), ApiKeyAuthFilter.INIT_PARAMS, env::get));
        Config none = Config.fromSettings(Settings.from("auth", Map.of(), ApiKeyAuthFilter.INIT_PARAMS, k -> null));

        assertThat(fromParam.keys().teams()).containsExactly("param");
        assertThat(fromEnv.keys().teams()).containsExactly("env");
        assertThat(none.keys().size()).isZero();
        assertThat(none.realm()).isEqualTo("palisade");
    }

    /** Two rules whose paths differ only in letter case would make the case-folded view's rule depend on their order. */
    @org.junit.jupiter.api.Test
    void refusesRulesThatDifferOnlyInLetterCase() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder()
                .rules("/reports/*=admin; /Reports/*=public").build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("differ only in letter case");
        org.assertj.core.api.Assertions.assertThat(ApiKeyAuthFilter.Config.builder()
                .rules("GET /reports/*=admin; POST /Reports/*=public").build().rules()).hasSize(2);
    }

    /**
     * A rule written with capitals holds for its path in lower case too, and costs the other paths
     * nothing: a plain lower-case path no such rule could cover has no other view (found by review:
     * one capitalised rule made every request allocate and match twice).
     */
    @org.junit.jupiter.api.Test
    void aRuleWithCapitalsHoldsInLowerCaseAndCostsOtherPathsNothing() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules", "/api/*=authenticated; /health=public; /Admin/*=admin"));

        org.assertj.core.api.Assertions.assertThat(rules.otherViews("GET", "/api/events", null, null)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(rules.otherViews("GET", "/admin/users", null, null))
                .singleElement().satisfies(r -> org.assertj.core.api.Assertions.assertThat(r.roles()).containsExactly("admin"));
        org.assertj.core.api.Assertions.assertThat(rules.otherViews("GET", "/ADMIN/users", null, null))
                .singleElement().satisfies(r -> org.assertj.core.api.Assertions.assertThat(r.roles()).containsExactly("admin"));
    }

    /** The longer path decides before the method: a GET rule on /api/* must not govern /api/admin/x. */
    @Test
    void aLongerPrefixBeatsAShorterOneThatNamesTheMethod() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules", "GET /api/*=manager; /api/admin/*=admin"));

        assertThat(rules.match("GET", "/api/admin/x").roles()).containsExactly("admin");
        assertThat(rules.match("HEAD", "/api/admin/x").roles()).containsExactly("admin");
    }

    /** A trailing slash, or a raw URI unlike the mapped path, must also meet the rule of its other spelling. */
    @Test
    void otherViewsFindTheRuleOfTheSlashlessAndOfTheRawSpelling() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules", "/admin=admin; /api/*=authenticated"));

        assertThat(rules.otherViews("GET", "/admin/", null, null)).extracting(Rule::roles).contains(Set.of("admin"));
        assertThat(rules.otherViews("GET", "/api/x", "/admin", "/admin")).extracting(Rule::roles).contains(Set.of("admin"));
    }

    @Test
    void rolesOnAPublicRuleAndASpaceInAPathFailStart() {
        assertThatThrownBy(() -> new Rule(null, "/x", Access.PUBLIC, Set.of("admin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no roles");
        assertThatThrownBy(() -> new Rule(null, "/a b", Access.PUBLIC, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("space");
    }

    /** Each raw view alone finds the rule its spelling meets: the literal one (dot segments kept), the normalised one, and it without its slash. */
    @Test
    void eachRawViewOfARequestFindsItsRule() {
        AccessRules rules = new AccessRules(AccessRules.parse("rules", "/api/*=admin; /a/b=manager; /health=public"));

        assertThat(rules.otherViews("GET", "/health", "/api/files/../../health", "/health"))
                .extracting(Rule::roles).contains(Set.of("admin"));
        assertThat(rules.otherViews("GET", "/x", "/a\\b", "/a/b")).extracting(Rule::roles).contains(Set.of("manager"));
        assertThat(rules.otherViews("GET", "/x", "/a\\b/", "/a/b/")).extracting(Rule::roles).contains(Set.of("manager"));
    }
}
