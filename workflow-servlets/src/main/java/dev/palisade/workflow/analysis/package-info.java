/**
 * Message analysis: what a client's email asks for (intent, date, guest count, wishes).
 *
 * <p>{@link dev.palisade.workflow.analysis.RuleBasedAnalyzer} is the default: offline and deterministic.
 * {@link dev.palisade.workflow.analysis.LlmAnalyzer} asks an OpenAI-compatible chat API when {@code LLM_URL}
 * is set ({@link dev.palisade.workflow.analysis.LlmConfig#fromEnvironment}) and falls back to the rules on
 * any failure. Both sanitise the message the same way ({@link dev.palisade.workflow.analysis.MessageSanitizer})
 * and share one vocabulary of wishes ({@link dev.palisade.workflow.analysis.WishVocabulary}), which the room
 * catalogue's features should use too. Wiring:
 *
 * <pre>{@code
 * RuleBasedAnalyzer rules = new RuleBasedAnalyzer();
 * MessageAnalyzer analyzer = LlmConfig.fromEnvironment(System::getenv)
 *         .<MessageAnalyzer>map(config -> new LlmAnalyzer(config, rules))
 *         .orElse(rules);
 * }</pre>
 */
package dev.palisade.workflow.analysis;
