/** The checks that need the whole graph: references, stages that cannot run, the verification rule. */
import type { YamlLocator } from '../yaml/index.js';
import type { PipelineStage, Push } from './describe-stage.js';
import { stageTexts } from './describe-stage.js';
import { findRefs } from './variables.js';
import { evaluateCondition } from './when.js';

/** Every `${NAME}` is declared, given, imported, or captured by a stage this one depends on. */
export function checkReferences(
  stages: PipelineStage[],
  variables: ReadonlySet<string>,
  capturedBy: ReadonlyMap<string, string>,
  locate: YamlLocator,
  push: Push,
): void {
  for (const stage of stages) {
    for (const { path, text } of stageTexts(stage.spec, stage.index)) {
      for (const ref of findRefs(text)) {
        if (!ref.valid || variables.has(ref.name)) continue;
        const at = locate.inside(path, ref.text);
        const producer = capturedBy.get(ref.name);
        if (producer === undefined) {
          push(
            path,
            `expected a defined variable (variables:, --var, env: or a capture), got undefined ${ref.text}`,
            'undefined_variable',
            at,
          );
        } else if (!stage.ancestors.has(producer)) {
          push(
            path,
            `expected ${ref.text} from a stage this one depends on, got a capture of '${producer}' (add depends: [${producer}])`,
            'capture_not_ancestor',
            at,
          );
        }
      }
    }
  }
}

/** A stage whose `when` is false before anything runs cannot run: nothing may depend on it. */
export function checkRunnable(
  stages: PipelineStage[],
  variables: ReadonlyMap<string, string>,
  capturedBy: ReadonlyMap<string, string>,
  locate: YamlLocator,
  push: Push,
): void {
  const never = new Set<string>();
  for (const stage of stages) {
    if (!stage.when) continue;
    const uses = [...findRefs(stage.spec.when ?? '')].map((r) => r.name);
    if (uses.some((u) => capturedBy.has(u))) continue;
    if (!evaluateCondition(stage.when, variables)) never.add(stage.name);
  }
  for (const stage of stages) {
    stage.depends.forEach((dep, j) => {
      if (never.has(dep)) {
        const path = ['stages', stage.index, 'depends', j];
        push(
          path,
          `expected a stage that can run, got '${dep}', whose when: is false with these variables`,
          'depends_never_runs',
          locate.at(path),
        );
      }
    });
  }
}

/** The design's rule: every stage that writes an image has a `rock-verify integration` stage after it. */
export function checkVerification(stages: PipelineStage[], push: Push): void {
  for (const stage of stages) {
    if (!stage.writesImage) continue;
    if (stages.some((v) => v.verifiesImage && v.ancestors.has(stage.name))) continue;
    push(
      ['stages', stage.index, 'name'],
      `expected a rock-verify integration stage that depends on '${stage.name}', which writes an image; got none ` +
        `(add: - { name: verify-${stage.name}, tool: rock-verify, args: [integration, IMAGE], depends: [${stage.name}] })`,
      'verification_missing',
    );
  }
}

/** A stage's output is never also its input: its key would change with every run it makes. */
export function checkInputsOutputs(stages: PipelineStage[], push: Push): void {
  for (const stage of stages) {
    const outputs = new Set((stage.spec.outputs ?? []).map(normalize));
    (stage.spec.inputs ?? []).forEach((input, i) => {
      if (outputs.has(normalize(input))) {
        push(
          ['stages', stage.index, 'inputs', i],
          `expected an input that is not also an output, got '${input}' in both`,
          'input_is_output',
        );
      }
    });
  }
}

function normalize(path: string): string {
  return path.replace(/^\.\//, '').replace(/\/+$/, '');
}
