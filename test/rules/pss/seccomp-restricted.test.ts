// The catalog loads the baseline rule beside the restricted one; the restricted rule relies on it.
import '../../../src/rules/pss/seccomp-baseline.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './seccomp-restricted.cases.js';

ruleTester(cases.rule, cases);
