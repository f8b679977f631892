import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './host-probes.cases.js';

ruleTester(cases.rule, cases);
